/**
 * A dashboard's versions (ListVersions, newest first): when, by whom, the message; view one's
 * JSON, compare two (a line diff), restore one (RestoreVersion, after a confirmation) as a new
 * version.
 */
import { Alert, Badge, Button, Checkbox, Drawer, Group, Loader, Table, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { dashboardsClient, messageOf } from "../../../api/client.ts";
import { relativeTime } from "../../../lib/alerts.ts";
import { Confirm } from "./Confirm.tsx";
import { VersionDiff, VersionJson } from "./VersionDiff.tsx";

type View =
  | { kind: "list" }
  | { kind: "json"; v: number }
  | { kind: "diff"; from: number; to: number };

interface Props {
  uid: string;
  title: string;
  onClose(): void;
}

/** The Versions drawer; open while it is rendered. */
export function VersionsDrawer({ uid, title, onClose }: Props) {
  const cache = useQueryClient();
  const [view, setView] = useState<View>({ kind: "list" });
  const [picked, setPicked] = useState<number[]>([]);
  const [restoring, setRestoring] = useState<number | null>(null);
  const versions = useQuery({
    queryKey: ["dashboard-versions", uid],
    queryFn: ({ signal }) => dashboardsClient.listVersions({ uid }, { signal }),
    retry: false,
  });
  const list = versions.data?.versions ?? [];
  const newest = list.length > 0 ? Number(list[0]!.version) : 0;
  const pick = (v: number, on: boolean) =>
    setPicked(on ? [...picked.filter((p) => p !== v), v].slice(-2) : picked.filter((p) => p !== v));
  const back = view.kind !== "list" && (
    <Button size="compact-sm" variant="default" onClick={() => setView({ kind: "list" })}>
      ← All versions
    </Button>
  );
  return (
    <Drawer opened onClose={onClose} position="right" size="xl" title={`Versions of ${title}`}>
      {view.kind === "json" && (
        <>
          <Group mb="xs">
            {back}
            <Text size="sm">Version {view.v}</Text>
          </Group>
          <VersionJson uid={uid} version={view.v} />
        </>
      )}
      {view.kind === "diff" && (
        <>
          <Group mb="xs">{back}</Group>
          <VersionDiff uid={uid} from={view.from} to={view.to} />
        </>
      )}
      {view.kind === "list" && (
        <>
          <Group mb="xs">
            <Button
              size="compact-sm"
              disabled={picked.length !== 2}
              onClick={() => {
                const [a, b] = [...picked].sort((x, y) => x - y);
                setView({ kind: "diff", from: a!, to: b! });
              }}
            >
              Compare the two chosen
            </Button>
            {picked.length !== 2 && (
              <Text size="sm" c="dimmed">
                Tick two versions to compare them.
              </Text>
            )}
            {versions.isFetching && <Loader size="xs" />}
          </Group>
          {versions.error && <Alert color="red">{messageOf(versions.error)}</Alert>}
          <Table data-testid="versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>Version</Table.Th>
                <Table.Th>Saved</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((v) => {
                const n = Number(v.version);
                const at = Number(v.createdMs);
                return (
                  <Table.Tr key={n} data-testid="version" data-version={n}>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Compare version ${n}`}
                        checked={picked.includes(n)}
                        onChange={(e) => pick(n, e.currentTarget.checked)}
                      />
                    </Table.Td>
                    <Table.Td>
                      {n} {n === newest && <Badge size="xs">latest</Badge>}
                    </Table.Td>
                    <Table.Td title={new Date(at).toLocaleString()}>{relativeTime(at)}</Table.Td>
                    <Table.Td>{v.createdBy || "—"}</Table.Td>
                    <Table.Td>
                      {v.message}
                      {v.restoredFrom > 0n && (
                        <Text size="xs" c="dimmed">
                          restored from version {String(v.restoredFrom)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-xs"
                          variant="default"
                          onClick={() => setView({ kind: "json", v: n })}
                        >
                          View
                        </Button>
                        {n !== newest && (
                          <Button size="compact-xs" variant="light" onClick={() => setRestoring(n)}>
                            Restore
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </>
      )}
      {restoring !== null && (
        <Confirm
          title={`Restore version ${restoring}?`}
          action="Restore"
          color="indigo"
          run={() => dashboardsClient.restoreVersion({ uid, version: BigInt(restoring) })}
          onDone={() => {
            setRestoring(null);
            cache.invalidateQueries({ queryKey: ["dashboard-versions", uid] });
            cache.invalidateQueries({ queryKey: ["dashboards"] });
          }}
          onClose={() => setRestoring(null)}
        >
          Version {restoring}'s JSON is saved as a new version ({newest + 1}); the versions in
          between stay in the history.
        </Confirm>
      )}
    </Drawer>
  );
}
