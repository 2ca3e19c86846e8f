/**
 * The Import dialog: a dashboard JSON from a file (picked or dropped) or pasted; what it is
 * (title, uid, panels) and the `__inputs` it needs; title, uid, folder and overwrite; then
 * ImportDashboard. The server decides whether a taken uid may be overwritten and its refusal
 * is shown as it words it.
 */
import { Alert, Button, FileButton, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { readImport } from "../../../lib/dashboards/import.ts";
import { ImportForm } from "./ImportForm.tsx";

interface Props {
  folders: readonly { uid: string; title: string }[];
  /** The folder the list shows, preselected. */
  folderUid: string;
  onImported(uid: string): void;
  onClose(): void;
}

/** The Import modal; open while it is rendered. */
export function ImportModal({ folders, folderUid, onImported, onClose }: Props) {
  const [text, setText] = useState("");
  const [source, setSource] = useState("");
  const [loaded, setLoaded] = useState<ReturnType<typeof readImport> | null>(null);
  const [dragging, setDragging] = useState(false);
  const load = (t: string, from: string) => {
    setSource(from);
    setLoaded(readImport(t));
  };
  const readFile = async (file: File | undefined) => {
    if (file) load(await file.text(), file.name);
  };
  const preview = loaded && !("error" in loaded) ? loaded : null;
  return (
    <Modal opened onClose={onClose} title="Import a dashboard" size="xl" centered>
      {preview ? (
        <ImportForm
          preview={preview}
          source={source}
          folders={folders}
          folderUid={folderUid}
          onBack={() => setLoaded(null)}
          onImported={onImported}
        />
      ) : (
        <Stack gap="sm">
          {/* A drop zone with a real button in it, so the keyboard can pick a file too. */}
          <Stack
            gap={6}
            align="center"
            data-testid="import-drop"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              readFile(e.dataTransfer.files[0]);
            }}
            p="lg"
            style={{
              borderRadius: "var(--mantine-radius-md)",
              border: `2px dashed ${dragging ? "var(--mantine-primary-color-filled)" : "var(--mantine-color-default-border)"}`,
            }}
          >
            <Text fw={500}>Drop a dashboard .json file here</Text>
            <FileButton
              onChange={(f) => readFile(f ?? undefined)}
              accept=".json,application/json"
              inputProps={{ "aria-label": "Dashboard file" }}
            >
              {(props) => (
                <Button {...props} variant="default" size="compact-sm">
                  Choose a file…
                </Button>
              )}
            </FileButton>
            <Text size="sm" c="dimmed">
              Grafana: Dashboard → Share → Export → Save to file; or a file from grafana.com or a
              mixin
            </Text>
          </Stack>
          <Textarea
            label="Or paste the dashboard JSON"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            rows={10}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
            spellCheck={false}
          />
          {loaded && "error" in loaded && (
            <Alert color="red" title="Cannot read the dashboard" data-testid="import-read-error">
              {source ? `${source}: ` : ""}
              {loaded.error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => load(text, "")} disabled={text.trim() === ""}>
              Load
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
