/**
 * The Alerts tab: the notifier's alert groups (ListAlertGroups), each headed by its group
 * labels and receiver, filtered by matchers and by whether silenced and inhibited alerts show.
 * Refreshed live by WatchAlerts, and refetched every 15 s.
 */
import { Alert, Badge, Card, Group, Loader, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Alert as AlertMsg } from "../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { alertsClient, messageOf } from "../../api/client.ts";
import { formatMatcher, parseMatchers, relativeTime, stateColor } from "../../lib/alerts.ts";
import { LabelChips } from "./LabelChips.tsx";
import { useAlertsWatch } from "./useAlertsWatch.ts";

/** Firing, silenced or inhibited: what the badge of an alert says. */
export function alertState(a: AlertMsg): string {
  if (a.silencedBy.length > 0) return "silenced";
  if (a.inhibitedBy.length > 0) return "inhibited";
  return a.state === "active" ? "firing" : a.state;
}

function AlertRow({ alert }: { alert: AlertMsg }) {
  const state = alertState(alert);
  const note = (name: string) => alert.annotations.find((a) => a.name === name)?.value;
  const starts = Number(alert.startsAtMs);
  return (
    <Stack gap={4} data-testid="alert" data-fingerprint={alert.fingerprint} data-state={state}>
      <Group gap="xs">
        <Badge color={stateColor(state)} data-testid="alert-state">
          {state}
        </Badge>
        <Text size="sm" c="dimmed" title={new Date(starts).toISOString()}>
          started {relativeTime(starts)}
        </Text>
      </Group>
      <LabelChips labels={alert.labels} />
      {note("summary") && <Text size="sm">{note("summary")}</Text>}
      {note("description") && (
        <Text size="sm" c="dimmed">
          {note("description")}
        </Text>
      )}
    </Stack>
  );
}

/** The alert groups with their filter. */
export function AlertGroups() {
  const [text, setText] = useState("");
  const [silenced, setSilenced] = useState(true);
  const [inhibited, setInhibited] = useState(true);
  const live = useAlertsWatch();
  let matchers: string[] = [];
  let parseError = "";
  try {
    matchers = parseMatchers(text).map(formatMatcher);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const groups = useQuery({
    queryKey: ["alertGroups", matchers, silenced, inhibited],
    enabled: parseError === "",
    queryFn: ({ signal }) =>
      alertsClient.listAlertGroups({ filter: { matchers, silenced, inhibited } }, { signal }),
    refetchInterval: 15_000,
    retry: false,
  });
  const list = groups.data?.groups.filter((g) => g.alerts.length > 0) ?? [];
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <TextInput
          label="Filter by matchers"
          placeholder={'severity="page", instance=~"db.*"'}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={parseError || undefined}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          w={420}
          data-testid="alert-filter"
        />
        <Switch
          label="Show silenced"
          checked={silenced}
          onChange={(e) => setSilenced(e.currentTarget.checked)}
          mb={8}
        />
        <Switch
          label="Show inhibited"
          checked={inhibited}
          onChange={(e) => setInhibited(e.currentTarget.checked)}
          mb={8}
        />
        <Badge
          variant="dot"
          color={live ? "green" : "gray"}
          mb={8}
          data-testid="alerts-live"
          data-live={live}
          title={live ? "Updated as the notifier changes" : "Refetched every 15 s"}
        >
          {live ? "live" : "every 15 s"}
        </Badge>
        {groups.isFetching && <Loader size="xs" mb={10} />}
      </Group>
      {groups.error && (
        <Alert color="red" title="Cannot list the alerts" data-testid="alerts-error">
          {messageOf(groups.error)}
        </Alert>
      )}
      {groups.data && list.length === 0 && (
        <Text c="dimmed" data-testid="alerts-empty">
          No alerts{matchers.length > 0 ? " match the filter" : ""}.
        </Text>
      )}
      {list.map((g) => (
        <Card
          key={`${g.receiver}/${g.labels.map((l) => `${l.name}=${l.value}`).join(",")}`}
          withBorder
          padding="sm"
          data-testid="alert-group"
        >
          <Group justify="space-between" mb="xs">
            {g.labels.length > 0 ? <LabelChips labels={g.labels} /> : <Text size="sm">(all)</Text>}
            <Text size="sm" c="dimmed" data-testid="group-receiver">
              receiver: {g.receiver} · {g.alerts.length} alert{g.alerts.length === 1 ? "" : "s"}
            </Text>
          </Group>
          <Stack gap="sm">
            {g.alerts.map((a) => (
              <AlertRow key={a.fingerprint} alert={a} />
            ))}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
