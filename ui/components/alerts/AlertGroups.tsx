/**
 * The Alerts tab: the notifier's alert groups (ListAlertGroups), each headed by its group
 * labels and receiver, filtered by matchers and by whether silenced and inhibited alerts show.
 * The matchers filter the alerts already here on every keystroke; the server is asked with them
 * once typing pauses. The alerts are shown a page at a time. Refreshed live by WatchAlerts, and
 * refetched every 15 s.
 */
import {
  Alert,
  Badge,
  Card,
  Group,
  Loader,
  Pagination,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { alertsClient, messageOf } from "../../api/client.ts";
import { alertCount, filterGroups, PAGE_SIZE, pageOf } from "../../lib/alert_list.ts";
import { formatMatcher, type LabelPairs, labelTest, parseMatchers } from "../../lib/alerts.ts";
import { AlertRow } from "./AlertRow.tsx";
import { LabelChips } from "./LabelChips.tsx";
import { LIVE_MAX, type Liveness, useAlertsWatch } from "./useAlertsWatch.ts";

/** The mark set once a filtered list has been drawn (bench/ui_alerts_filter.ts times it). */
export const SETTLED_MARK = "alerts-list-settled";

interface Filter {
  matchers: string[];
  keep: (labels: LabelPairs) => boolean;
}

const ALL: Filter = { matchers: [], keep: () => true };

const LIVE_TITLES: Record<Liveness, string> = {
  live: "Updated as the notifier changes",
  polling: "Refetched every 15 s",
  "too-many": `More than ${LIVE_MAX.toLocaleString()} alerts: refetched every 15 s, not followed live`,
};

/** The box's text as a filter, or the reason it is not one. */
function readFilter(text: string): Filter | string {
  try {
    const parsed = parseMatchers(text);
    return { matchers: parsed.map(formatMatcher), keep: labelTest(parsed) };
  } catch (e) {
    return (e as Error).message;
  }
}

/** The alert groups with their filter. */
export function AlertGroups() {
  const [text, setText] = useState("");
  const [silenced, setSilenced] = useState(true);
  const [inhibited, setInhibited] = useState(true);
  const [page, setPage] = useState(1);
  const read = useMemo(() => readFilter(text), [text]);
  // While the text does not parse (half typed), the last filter that did stays in force.
  const last = useRef(ALL);
  if (typeof read !== "string") last.current = read;
  const filter = last.current;
  const parseError = typeof read === "string" ? read : "";
  const [asked] = useDebouncedValue(filter.matchers, 300);
  const groups = useQuery({
    queryKey: ["alertGroups", asked, silenced, inhibited],
    queryFn: ({ signal }) =>
      alertsClient.listAlertGroups(
        { filter: { matchers: asked, silenced, inhibited } },
        { signal },
      ),
    placeholderData: keepPreviousData,
    // Comparing 10,000 alerts deeply with the last answer costs more than drawing a page anew.
    structuralSharing: false,
    refetchInterval: 15_000,
    // Going back to a filter asked for moments ago shows that answer without asking again:
    // with every alert in it, that is 10,000 alerts decoded while the user types.
    staleTime: 15_000,
    retry: false,
  });
  const held = useMemo(() => alertCount(groups.data?.groups ?? []), [groups.data]);
  const live = useAlertsWatch(held);
  const shown = useMemo(
    () => filterGroups(groups.data?.groups ?? [], filter.keep),
    [groups.data, filter],
  );
  const total = useMemo(() => alertCount(shown), [shown]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const current = Math.min(page, pages);
  const onPage = useMemo(() => pageOf(shown, current), [shown, current]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter goes back to page 1
  useEffect(() => setPage(1), [filter]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: marks each list drawn (with the text it was filtered by), so it runs per new page
  useEffect(() => {
    // After the commit, the next frame, then a task: the list is on screen.
    const frame = requestAnimationFrame(() =>
      setTimeout(() => performance.mark(SETTLED_MARK, { detail: { alerts: total, text } })),
    );
    return () => cancelAnimationFrame(frame);
  }, [onPage, total]);
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
          color={live === "live" ? "green" : "gray"}
          mb={8}
          data-testid="alerts-live"
          data-live={live === "live"}
          title={LIVE_TITLES[live]}
        >
          {live === "live" ? "live" : "every 15 s"}
        </Badge>
        {groups.isFetching && <Loader size="xs" mb={10} />}
      </Group>
      {groups.error && (
        <Alert color="red" title="Cannot list the alerts" data-testid="alerts-error">
          {messageOf(groups.error)}
        </Alert>
      )}
      {groups.data && total === 0 && (
        <Text c="dimmed" data-testid="alerts-empty">
          No alerts{filter.matchers.length > 0 ? " match the filter" : ""}.
        </Text>
      )}
      {total > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="alerts-count" data-count={total}>
            {total.toLocaleString()} alert{total === 1 ? "" : "s"} in {shown.length} group
            {shown.length === 1 ? "" : "s"}
            {pages > 1 &&
              ` · ${(current - 1) * PAGE_SIZE + 1}–${Math.min(current * PAGE_SIZE, total)} shown`}
          </Text>
          {pages > 1 && <Pagination size="sm" total={pages} value={current} onChange={setPage} />}
        </Group>
      )}
      {onPage.map(({ group: g, alerts }) => (
        <Card
          key={`${g.receiver}/${g.labels.map((l) => `${l.name}=${l.value}`).join(",")}`}
          withBorder
          padding="sm"
          data-testid="alert-group"
        >
          <Group justify="space-between" mb="xs">
            {g.labels.length > 0 ? <LabelChips labels={g.labels} /> : <Text size="sm">(all)</Text>}
            <Text size="sm" c="dimmed" data-testid="group-receiver">
              receiver: {g.receiver} · {g.alerts.length.toLocaleString()} alert
              {g.alerts.length === 1 ? "" : "s"}
            </Text>
          </Group>
          <Stack gap="sm">
            {alerts.map((a) => (
              <AlertRow key={a.fingerprint} alert={a} />
            ))}
          </Stack>
        </Card>
      ))}
      {pages > 1 && (
        <Group justify="flex-end">
          <Pagination size="sm" total={pages} value={current} onChange={setPage} />
        </Group>
      )}
    </Stack>
  );
}
