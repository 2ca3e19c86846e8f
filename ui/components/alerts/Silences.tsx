/**
 * The Silences tab: ListSilences in active, pending and expired sections, each with its
 * matchers, end, creator and comment; Edit and Expire for an active or pending one (a viewer's
 * permission_denied is said plainly), Recreate for an expired one; and the New silence form,
 * opened filled in when the page was asked for it from an alert (`?tab=silences&new=<matchers>`).
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Silence } from "../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { alertsClient, isPermissionDenied, messageOf } from "../../api/client.ts";
import { formatMatcher, relativeTime, stateColor } from "../../lib/alerts.ts";
import { draftOf, newDraft, type SilenceDraft } from "../../lib/silences.ts";
import { SilenceForm, type SilenceSaved } from "./SilenceForm.tsx";

const SECTIONS = ["active", "pending", "expired"] as const;

interface CardProps {
  silence: Silence;
  onExpire?: () => void;
  onEdit: () => void;
}

function SilenceCard({ silence, onExpire, onEdit }: CardProps) {
  const ends = Number(silence.endsAtMs);
  const starts = Number(silence.startsAtMs);
  return (
    <Card withBorder padding="sm" data-testid="silence" data-id={silence.id}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} className="op-wrap">
          <Group gap={4}>
            {silence.matchers.map((m) => {
              const text = formatMatcher({ ...m, isEqual: m.isEqual ?? true });
              return (
                <Badge
                  key={text}
                  variant="default"
                  radius="sm"
                  tt="none"
                  fw={400}
                  ff="monospace"
                  maw="100%"
                  title={text}
                >
                  {text}
                </Badge>
              );
            })}
          </Group>
          <Text size="sm">
            {silence.state === "pending" ? `starts ${relativeTime(starts)}, ` : ""}
            {silence.state === "expired" ? "ended" : "ends"} {relativeTime(ends)} (
            {new Date(ends).toLocaleString()}) · by {silence.createdBy || "—"}
          </Text>
          {silence.comment && (
            <Text size="sm" c="dimmed" className="op-wrap">
              {silence.comment}
            </Text>
          )}
          <Text size="xs" c="dimmed" ff="monospace">
            {silence.id}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button size="compact-sm" variant="light" onClick={onEdit}>
            {silence.state === "expired" ? "Recreate" : "Edit"}
          </Button>
          {onExpire && (
            <Button size="compact-sm" variant="light" color="red" onClick={onExpire}>
              Expire
            </Button>
          )}
        </Group>
      </Group>
    </Card>
  );
}

/** What the last save did, said to the user: edited in place, or replaced by a new id. */
function savedNotice(saved: SilenceSaved): string {
  if (saved.editedId === undefined) return `Created silence ${saved.id}.`;
  if (saved.editedId === saved.id) return `Updated silence ${saved.id} in place.`;
  return `The server could not change silence ${saved.editedId} in place: it expired it and created ${saved.id} in its place.`;
}

/** The silences and the form to add one; `prefill` opens the form with these matchers. */
export function Silences({
  prefill,
  onPrefillUsed,
}: {
  prefill?: string;
  onPrefillUsed?: () => void;
}) {
  const cache = useQueryClient();
  // The form's draft, keyed so that a new draft (another Edit) starts a fresh form.
  const [form, setForm] = useState<{ key: number; draft: SilenceDraft } | null>(null);
  // An alert's Silence button (the `new` parameter) opens a fresh form, even over an open one.
  useEffect(() => {
    if (prefill !== undefined)
      setForm((f) => ({ key: (f?.key ?? 0) + 1, draft: newDraft(prefill) }));
  }, [prefill]);
  const [notice, setNotice] = useState("");
  const open = (draft: SilenceDraft | null) => {
    setNotice("");
    setForm(draft === null ? null : { key: (form?.key ?? 0) + 1, draft });
  };
  const silences = useQuery({
    queryKey: ["silences"],
    queryFn: ({ signal }) => alertsClient.listSilences({}, { signal }),
    refetchInterval: 15_000,
    retry: false,
  });
  const changed = () =>
    cache
      .invalidateQueries({ queryKey: ["silences"] })
      .then(() => cache.invalidateQueries({ queryKey: ["alertGroups"] }));
  const expire = useMutation({
    mutationFn: (id: string) => alertsClient.expireSilence({ id }),
    onSuccess: changed,
  });
  // Expiring cannot be undone from the page (a new silence can be made): asked first, as
  // Alertmanager's UI asks.
  const [expiring, setExpiring] = useState<string | null>(null);
  const all = silences.data?.silences ?? [];
  return (
    <Stack gap="sm">
      <Modal
        opened={expiring !== null}
        onClose={() => setExpiring(null)}
        title="Expire the silence?"
        centered
      >
        <Text size="sm">
          Silence {expiring} ends now, and the alerts it mutes notify again. An expired silence can
          be recreated, not restored.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setExpiring(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            data-testid="confirm-expire"
            onClick={() => {
              if (expiring !== null) expire.mutate(expiring);
              setExpiring(null);
            }}
          >
            Expire
          </Button>
        </Group>
      </Modal>
      <Group>
        <Button
          variant={form ? "default" : "filled"}
          onClick={() => {
            // Closed, the alert's matchers leave the URL too: a reload does not reopen them.
            if (form) onPrefillUsed?.();
            open(form ? null : newDraft());
          }}
        >
          {form ? "Close the form" : "New silence"}
        </Button>
        {silences.isFetching && <Loader size="xs" />}
      </Group>
      {form && (
        <SilenceForm
          key={form.key}
          initial={form.draft}
          onSaved={(saved) => {
            setForm(null);
            setNotice(savedNotice(saved));
            onPrefillUsed?.();
            changed();
          }}
        />
      )}
      {notice && (
        <Alert
          color="blue"
          withCloseButton
          onClose={() => setNotice("")}
          data-testid="silence-notice"
        >
          {notice}
        </Alert>
      )}
      {expire.error && (
        <Alert color="red" title="Cannot expire the silence" data-testid="expire-error">
          {isPermissionDenied(expire.error)
            ? `You may not expire silences: ${messageOf(expire.error)}`
            : messageOf(expire.error)}
        </Alert>
      )}
      {silences.error && (
        <Alert color="red" title="Cannot list the silences" data-testid="silences-error">
          {messageOf(silences.error)}
        </Alert>
      )}
      {silences.data &&
        SECTIONS.map((state) => {
          const list = all.filter((s) => s.state === state);
          return (
            <Stack key={state} gap="xs" data-testid={`silences-${state}`}>
              <Group gap="xs">
                <Title order={5} tt="capitalize">
                  {state}
                </Title>
                <Badge color={stateColor(state)} variant="light">
                  {list.length}
                </Badge>
              </Group>
              {list.length === 0 && (
                <Text size="sm" c="dimmed">
                  None.
                </Text>
              )}
              {list.map((s) => (
                <SilenceCard
                  key={s.id}
                  silence={s}
                  onExpire={state === "expired" ? undefined : () => setExpiring(s.id)}
                  onEdit={() => {
                    open(draftOf(s));
                    window.scrollTo({ top: 0 });
                  }}
                />
              ))}
            </Stack>
          );
        })}
    </Stack>
  );
}
