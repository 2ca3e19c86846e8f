/**
 * The Silences tab: ListSilences in active, pending and expired sections, each with its
 * matchers, end, creator and comment; Expire for those who may (a viewer's permission_denied is
 * said plainly); and the New silence form.
 */
import { Alert, Badge, Button, Card, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Silence } from "../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { alertsClient, isPermissionDenied, messageOf } from "../../api/client.ts";
import { formatMatcher, relativeTime, stateColor } from "../../lib/alerts.ts";
import { SilenceForm } from "./SilenceForm.tsx";

const SECTIONS = ["active", "pending", "expired"] as const;

function SilenceCard({ silence, onExpire }: { silence: Silence; onExpire?: () => void }) {
  const ends = Number(silence.endsAtMs);
  const starts = Number(silence.startsAtMs);
  return (
    <Card withBorder padding="sm" data-testid="silence" data-id={silence.id}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Group gap={4}>
            {silence.matchers.map((m) => {
              const text = formatMatcher({ ...m, isEqual: m.isEqual ?? true });
              return (
                <Badge key={text} variant="default" radius="sm" tt="none" fw={400} ff="monospace">
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
            <Text size="sm" c="dimmed">
              {silence.comment}
            </Text>
          )}
          <Text size="xs" c="dimmed" ff="monospace">
            {silence.id}
          </Text>
        </Stack>
        {onExpire && (
          <Button size="compact-sm" variant="light" color="red" onClick={onExpire}>
            Expire
          </Button>
        )}
      </Group>
    </Card>
  );
}

/** The silences and the form to add one. */
export function Silences() {
  const cache = useQueryClient();
  const [creating, setCreating] = useState(false);
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
  const all = silences.data?.silences ?? [];
  return (
    <Stack gap="sm">
      <Group>
        <Button variant={creating ? "default" : "filled"} onClick={() => setCreating(!creating)}>
          {creating ? "Close the form" : "New silence"}
        </Button>
        {silences.isFetching && <Loader size="xs" />}
      </Group>
      {creating && (
        <SilenceForm
          onCreated={() => {
            setCreating(false);
            changed();
          }}
        />
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
                  onExpire={state === "expired" ? undefined : () => expire.mutate(s.id)}
                />
              ))}
            </Stack>
          );
        })}
    </Stack>
  );
}
