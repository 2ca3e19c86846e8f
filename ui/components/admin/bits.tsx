/** Parts the admin tabs share: a confirmed destructive button, a refusal shown as worded. */
import { Alert, Button, Group, Modal, Text } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { messageOf } from "../../api/client.ts";

interface ConfirmProps {
  /** The button's text (`Delete`). */
  label: string;
  /** The modal's title and question. */
  title: string;
  children: ReactNode;
  onConfirm(): Promise<unknown>;
  /** Called with the server's refusal. */
  onError(err: unknown): void;
  testId?: string;
}

/** A red button that asks first; the action runs only on the dialog's confirm. */
export function ConfirmButton({
  label,
  title,
  children,
  onConfirm,
  onError,
  testId,
}: ConfirmProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="compact-sm"
        color="red"
        variant="light"
        onClick={() => setOpen(true)}
        data-testid={testId}
      >
        {label}
      </Button>
      <ConfirmDialog
        opened={open}
        label={label}
        title={title}
        onConfirm={onConfirm}
        onError={onError}
        onClose={() => setOpen(false)}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}

/** The dialog of a destructive action: Cancel, or the action (red), which then closes it. */
export function ConfirmDialog(
  p: Omit<ConfirmProps, "testId"> & { opened: boolean; onClose(): void },
) {
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await p.onConfirm();
    } catch (err) {
      p.onError(err);
    } finally {
      setBusy(false);
      p.onClose();
    }
  };
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={p.title} centered>
      <Text size="sm" mb="md">
        {p.children}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={p.onClose}>
          Cancel
        </Button>
        <Button color="red" loading={busy} onClick={confirm} data-testid="confirm">
          {p.label}
        </Button>
      </Group>
    </Modal>
  );
}

/** The server's refusal of the last action, as it words it; closable. */
export function Refusal({ error, onClose }: { error: unknown; onClose(): void }) {
  if (!error) return null;
  return (
    <Alert
      color="red"
      title="The server refused"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      mb="sm"
      data-testid="admin-refusal"
    >
      {messageOf(error)}
    </Alert>
  );
}
