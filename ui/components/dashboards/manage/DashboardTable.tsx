/**
 * The dashboards list: one section per folder (its menu renames or deletes it), each row with
 * the title (a link to `/d/<uid>`), its tags (a click filters by the tag), when and by whom it
 * last changed, and a menu: export, export for sharing, versions, delete.
 */
import { ActionIcon, Badge, Group, Menu, Stack, Table, Text, Title } from "@mantine/core";
import type { DashboardMeta } from "../../../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { relativeTime } from "../../../lib/alerts.ts";
import type { FolderGroup } from "../../../lib/dashboards/search.ts";
import { navigate } from "../../../lib/router.ts";

/** What a row's menu asks for. */
export type RowAction = "export" | "share" | "versions" | "delete";

interface Props {
  groups: FolderGroup<DashboardMeta>[];
  activeTags: readonly string[];
  onTag(tag: string): void;
  onRow(action: RowAction, d: DashboardMeta): void;
  onFolder(action: "rename" | "delete", folder: { uid: string; title: string }): void;
}

/** The dashboards grouped by folder. */
export function DashboardTable({ groups, activeTags, onTag, onRow, onFolder }: Props) {
  return (
    <Stack gap="lg">
      {groups.map((g) => (
        <section key={g.uid} data-testid="folder" data-uid={g.uid} aria-label={`Folder ${g.title}`}>
          <Group gap="xs" mb={4}>
            <Title order={5}>{g.title}</Title>
            <Text size="sm" c="dimmed">
              {g.dashboards.length}
            </Text>
            {g.uid !== "" && (
              <Menu position="bottom-start" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="subtle" size="sm" aria-label={`Folder ${g.title} actions`}>
                    ⋯
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => onFolder("rename", g)}>Rename folder</Menu.Item>
                  <Menu.Item color="red" onClick={() => onFolder("delete", g)}>
                    Delete folder
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
          {g.dashboards.length === 0 ? (
            <Text size="sm" c="dimmed">
              No dashboards in this folder yet.
            </Text>
          ) : (
            <Table highlightOnHover>
              <Table.Tbody>
                {g.dashboards.map((d) => (
                  <Row key={d.uid} d={d} activeTags={activeTags} onTag={onTag} onRow={onRow} />
                ))}
              </Table.Tbody>
            </Table>
          )}
        </section>
      ))}
    </Stack>
  );
}

function Row({
  d,
  activeTags,
  onTag,
  onRow,
}: {
  d: DashboardMeta;
  activeTags: readonly string[];
  onTag(tag: string): void;
  onRow(action: RowAction, d: DashboardMeta): void;
}) {
  const updated = Number(d.updatedMs);
  return (
    <Table.Tr data-testid="dashboard-row" data-uid={d.uid}>
      <Table.Td w="40%">
        <a
          href={`/d/${encodeURIComponent(d.uid)}`}
          data-testid="dashboard-link"
          style={{ color: "var(--mantine-color-anchor)", textDecoration: "none", fontWeight: 500 }}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/d/${encodeURIComponent(d.uid)}`);
          }}
        >
          {d.title}
        </a>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {d.tags.map((t) => (
            <Badge
              key={t}
              component="button"
              variant={activeTags.includes(t) ? "filled" : "light"}
              tt="none"
              style={{ cursor: "pointer" }}
              aria-label={`Filter by tag ${t}`}
              data-testid="dashboard-tag"
              onClick={() => onTag(t)}
            >
              {t}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed" title={new Date(updated).toLocaleString()}>
          v{String(d.version)} · {relativeTime(updated)}
          {d.updatedBy ? ` by ${d.updatedBy}` : ""}
        </Text>
      </Table.Td>
      <Table.Td w={48}>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" aria-label={`Actions for ${d.title}`}>
              ⋯
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => onRow("export", d)}>Export</Menu.Item>
            <Menu.Item onClick={() => onRow("share", d)}>Export for sharing externally</Menu.Item>
            <Menu.Item onClick={() => onRow("versions", d)}>Versions</Menu.Item>
            <Menu.Divider />
            <Menu.Item color="red" onClick={() => onRow("delete", d)}>
              Delete
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}
