/**
 * Folder changes: a dialog that names a new folder (CreateFolder) or renames one
 * (RenameFolder). The server's refusal (a viewer's, a bad title) is shown as it words it.
 */
import { Alert, Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { dashboardsClient, messageOf } from "../../../api/client.ts";

interface Props {
  /** The folder to rename; absent to create one. */
  folder?: { uid: string; title: string };
  onDone(): void;
  onClose(): void;
}

/** The New folder / Rename folder dialog. */
export function FolderDialog({ folder, onDone, onClose }: Props) {
  const [title, setTitle] = useState(folder?.title ?? "");
  const save = useMutation({
    mutationFn: (): Promise<unknown> =>
      folder
        ? dashboardsClient.renameFolder({ uid: folder.uid, title: title.trim() })
        : dashboardsClient.createFolder({ title: title.trim() }),
    onSuccess: onDone,
  });
  const verb = folder ? "Rename" : "Create";
  return (
    <Modal opened onClose={onClose} title={folder ? "Rename folder" : "New folder"} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Title"
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            data-autofocus
          />
          {save.error && (
            <Alert color="red" title={`Cannot ${verb.toLowerCase()} the folder`}>
              {messageOf(save.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={title.trim() === ""}>
              {verb}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
