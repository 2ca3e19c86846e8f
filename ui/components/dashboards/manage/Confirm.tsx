/**
 * A confirmation dialog for a change that cannot be undone from the page (delete, restore):
 * it names what will happen, runs the change, and shows the server's refusal as it words it.
 */
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { messageOf } from "../../../api/client.ts";

interface Props {
  title: string;
  /** What the change does, in a sentence the user reads before saying yes. */
  children: ReactNode;
  /** The confirm button's label ("Delete", "Restore"). */
  action: string;
  color?: string;
  run(): Promise<unknown>;
  onDone(): void;
  onClose(): void;
}

/** A modal asking to confirm `action`; open while it is rendered. */
export function Confirm({ title, children, action, color = "red", run, onDone, onClose }: Props) {
  const change = useMutation({ mutationFn: run, onSuccess: onDone });
  return (
    <Modal opened onClose={onClose} title={title} centered>
      <Stack gap="sm">
        <Text size="sm">{children}</Text>
        {change.error && (
          <Alert color="red" title={`Cannot ${action.toLowerCase()}`} data-testid="confirm-error">
            {messageOf(change.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={color} loading={change.isPending} onClick={() => change.mutate()}>
            {action}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
