/**
 * One alert of the Alerts tab: its state badge, start, labels, summary and description, and
 * **Silence**, which opens the New silence form with every label as a matcher (as
 * Alertmanager's UI does; the user removes the ones that should not be in it).
 */
import { Badge, Button, Group, Stack, Text } from "@mantine/core";
import { memo } from "react";
import type { Alert as AlertMsg } from "../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { matchersText, relativeTime, stateColor } from "../../lib/alerts.ts";
import { navigate } from "../../lib/router.ts";
import { LabelChips } from "./LabelChips.tsx";

/** Firing, silenced or inhibited: what the badge of an alert says. */
export function alertState(a: AlertMsg): string {
  if (a.silencedBy.length > 0) return "silenced";
  if (a.inhibitedBy.length > 0) return "inhibited";
  return a.state === "active" ? "firing" : a.state;
}

/** The link that opens the New silence form with the alert's labels as matchers. */
export function silenceLink(a: AlertMsg): string {
  return `/alerts?tab=silences&new=${encodeURIComponent(matchersText(a.labels))}`;
}

/** The row; memoised, as a page re-renders on every keystroke in the filter. */
export const AlertRow = memo(function AlertRow({ alert }: { alert: AlertMsg }) {
  const state = alertState(alert);
  const note = (name: string) => alert.annotations.find((a) => a.name === name)?.value;
  const starts = Number(alert.startsAtMs);
  return (
    <Stack gap={4} data-testid="alert" data-fingerprint={alert.fingerprint} data-state={state}>
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <Badge color={stateColor(state)} data-testid="alert-state">
            {state}
          </Badge>
          <Text size="sm" c="dimmed" title={new Date(starts).toISOString()}>
            started {relativeTime(starts)}
          </Text>
        </Group>
        <Button
          size="compact-xs"
          variant="subtle"
          component="a"
          href={silenceLink(alert)}
          onClick={(e: React.MouseEvent) => {
            e.preventDefault();
            navigate(silenceLink(alert));
          }}
          data-testid="alert-silence"
        >
          Silence
        </Button>
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
});
