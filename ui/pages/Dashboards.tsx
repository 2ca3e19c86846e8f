/**
 * Dashboards: the list (SearchDashboards) by folder, with a title search, a tag filter and a
 * folder choice, all in the URL (`/dashboards?q=&tag=&folder=`); Import, New folder, and per
 * row export, versions and delete. A row opens `/d/<uid>`.
 */
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { DashboardMeta } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { dashboardsClient, messageOf } from "../api/client.ts";
import { Confirm } from "../components/dashboards/manage/Confirm.tsx";
import { DashboardTable, type RowAction } from "../components/dashboards/manage/DashboardTable.tsx";
import { FolderDialog } from "../components/dashboards/manage/FolderDialogs.tsx";
import { ImportModal } from "../components/dashboards/manage/ImportModal.tsx";
import { VersionsDrawer } from "../components/dashboards/manage/VersionsDrawer.tsx";
import { exportDashboard } from "../lib/dashboards/export.ts";
import {
  GENERAL,
  groupByFolder,
  type ListState,
  readList,
  searchRequest,
  toggleTag,
  writeList,
} from "../lib/dashboards/search.ts";
import { navigate, useLocation } from "../lib/router.ts";

type Folder = { uid: string; title: string };
type Dialog =
  | { kind: "import" }
  | { kind: "new-folder" }
  | { kind: "rename-folder" | "delete-folder"; folder: Folder }
  | { kind: "versions" | "delete"; d: DashboardMeta };

/** The Dashboards page. */
export function Dashboards() {
  const { search } = useLocation();
  const state = useMemo(() => readList(search), [search]);
  const cache = useQueryClient();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [exportError, setExportError] = useState("");
  const go = (next: Partial<ListState>) =>
    navigate(`/dashboards${writeList({ ...state, ...next })}`, true);
  const folders = useQuery({
    queryKey: ["folders"],
    queryFn: ({ signal }) => dashboardsClient.listFolders({}, { signal }),
    retry: false,
  });
  const found = useQuery({
    queryKey: ["dashboards", state],
    queryFn: ({ signal }) => dashboardsClient.searchDashboards(searchRequest(state), { signal }),
    placeholderData: (prev) => prev,
    retry: false,
  });
  const changed = () => {
    setDialog(null);
    cache.invalidateQueries({ queryKey: ["folders"] });
    cache.invalidateQueries({ queryKey: ["dashboards"] });
  };
  const onRow = (action: RowAction, d: DashboardMeta) => {
    if (action === "export" || action === "share") {
      setExportError("");
      exportDashboard(d.uid, action === "share").catch((e) => setExportError(messageOf(e)));
    } else setDialog({ kind: action, d });
  };
  const folderList = folders.data?.folders ?? [];
  const filtered = state.query !== "" || state.tags.length > 0 || state.folder !== "";
  const dashboards = found.data?.dashboards ?? [];
  const groups = groupByFolder(dashboards, folderList, !filtered);
  const folderUid = state.folder === GENERAL ? "" : state.folder;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={1} size="h3">
            Dashboards
          </Title>
          {found.isFetching && <Loader size="xs" />}
        </Group>
        <Group gap="xs">
          <Button variant="default" onClick={() => setDialog({ kind: "new-folder" })}>
            New folder
          </Button>
          <Button onClick={() => setDialog({ kind: "import" })}>Import</Button>
        </Group>
      </Group>
      <Group gap="xs" align="center">
        <TextInput
          placeholder="Search by title"
          aria-label="Search dashboards"
          value={state.query}
          onChange={(e) => go({ query: e.currentTarget.value })}
          w={320}
        />
        <Select
          aria-label="Folder"
          data={[
            { value: "", label: "All folders" },
            { value: GENERAL, label: "General" },
            ...folderList.map((f) => ({ value: f.uid, label: f.title })),
          ]}
          value={state.folder}
          onChange={(v) => go({ folder: v ?? "" })}
          allowDeselect={false}
          w={200}
        />
        {state.tags.map((t) => (
          <Badge
            key={t}
            component="button"
            size="lg"
            tt="none"
            style={{ cursor: "pointer" }}
            aria-label={`Remove tag filter ${t}`}
            data-testid="active-tag"
            onClick={() => go(toggleTag(state, t))}
          >
            {t} ✕
          </Badge>
        ))}
      </Group>
      {exportError && (
        <Alert
          color="red"
          title="Cannot export the dashboard"
          withCloseButton
          onClose={() => setExportError("")}
        >
          {exportError}
        </Alert>
      )}
      {(found.error ?? folders.error) && (
        <Alert color="red" title="Cannot list the dashboards" data-testid="dashboards-error">
          {messageOf(found.error ?? folders.error)}
        </Alert>
      )}
      {found.data && dashboards.length === 0 && !filtered && folderList.length === 0 ? (
        <Empty onImport={() => setDialog({ kind: "import" })} />
      ) : found.data && dashboards.length === 0 && filtered ? (
        <Text c="dimmed" data-testid="dashboards-none">
          No dashboard matches these filters.{" "}
          <Button variant="subtle" size="compact-sm" onClick={() => navigate("/dashboards", true)}>
            Clear the filters
          </Button>
        </Text>
      ) : (
        <DashboardTable
          groups={groups}
          activeTags={state.tags}
          onTag={(t) => go(toggleTag(state, t))}
          onRow={onRow}
          onFolder={(action, folder) => setDialog({ kind: `${action}-folder`, folder })}
        />
      )}
      {dialog && (
        <DialogFor
          dialog={dialog}
          folders={folderList}
          folderUid={folderUid}
          onChanged={changed}
          onClose={() => setDialog(null)}
        />
      )}
    </Stack>
  );
}

function Empty({ onImport }: { onImport(): void }) {
  return (
    <Stack gap="xs" align="flex-start" data-testid="dashboards-empty" mt="md">
      <Text fw={500}>No dashboards yet.</Text>
      <Text size="sm" c="dimmed" maw={640}>
        Import a Grafana dashboard: export it from Grafana (Dashboard → Share → Export → Save to
        file) or take one from grafana.com or a mixin, then choose Import and drop the .json file or
        paste its JSON. Prometheus and Loki data sources are mapped to Outpost.
      </Text>
      <Button onClick={onImport}>Import a dashboard</Button>
    </Stack>
  );
}

function DialogFor({
  dialog,
  folders,
  folderUid,
  onChanged,
  onClose,
}: {
  dialog: Dialog;
  folders: readonly Folder[];
  folderUid: string;
  onChanged(): void;
  onClose(): void;
}) {
  switch (dialog.kind) {
    case "import":
      return (
        <ImportModal
          folders={folders}
          folderUid={folderUid}
          onImported={(uid) => {
            onChanged();
            navigate(`/d/${encodeURIComponent(uid)}`);
          }}
          onClose={onClose}
        />
      );
    case "new-folder":
      return <FolderDialog onDone={onChanged} onClose={onClose} />;
    case "rename-folder":
      return <FolderDialog folder={dialog.folder} onDone={onChanged} onClose={onClose} />;
    case "delete-folder":
      return (
        <Confirm
          title={`Delete folder ${dialog.folder.title}?`}
          action="Delete"
          run={() => dashboardsClient.deleteFolder({ uid: dialog.folder.uid })}
          onDone={onChanged}
          onClose={onClose}
        >
          The folder is deleted; the server refuses while it still holds dashboards.
        </Confirm>
      );
    case "delete":
      return (
        <Confirm
          title={`Delete ${dialog.d.title}?`}
          action="Delete"
          run={() => dashboardsClient.deleteDashboard({ uid: dialog.d.uid })}
          onDone={onChanged}
          onClose={onClose}
        >
          The dashboard and its version history are deleted. Export it first to keep a copy.
        </Confirm>
      );
    case "versions":
      return <VersionsDrawer uid={dialog.d.uid} title={dialog.d.title} onClose={onClose} />;
  }
}
