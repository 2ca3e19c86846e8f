/** "Save dashboard": a message for the version history, then DashboardsService.SaveDashboard. */
import { Alert, Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { dashboardsClient, messageOf } from "../../api/client.ts";
import type { DashboardModel } from "../../lib/dashboards/types.ts";

interface Props {
  opened: boolean;
  model: DashboardModel;
  folderUid: string;
  onClose(): void;
  /** Called with the saved version. */
  onSaved(version: number): void;
}

/** The save dialog; the server's refusal (a stale version, a permission) is shown as it words it. */
export function SaveDialog({ opened, model, folderUid, onClose, onSaved }: Props) {
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await dashboardsClient.saveDashboard({
        json: JSON.stringify(model),
        folderUid,
        message,
        overwrite: false,
      });
      setMessage("");
      onSaved(Number(res.meta?.version ?? 0));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Save dashboard">
      <Stack>
        <TextInput
          label="Message"
          placeholder="What changed"
          value={message}
          onChange={(e) => setMessage(e.currentTarget.value)}
          data-autofocus
          onKeyDown={(e) => e.key === "Enter" && save()}
        />
        {error && (
          <Alert color="red" data-testid="save-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={busy} onClick={save}>
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
