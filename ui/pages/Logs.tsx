/**
 * Logs: a LogQL query over a range (LogsService). The volume of the query's streams by `level`
 * as stacked bars (a drag zooms), then the lines, virtualised, newest or oldest first (Query,
 * backward, 1000 lines); a click on a line shows its labels, metadata and parsed fields with
 * filter actions and its context. **Live** opens a Tail stream whose lines go on top; **Pause**
 * holds them back until **Resume**. The URL holds the query, the range and the order.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { Direction } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { logsClient, messageOf } from "../api/client.ts";
import { LogContext } from "../components/LogContext.tsx";
import { LogLines } from "../components/LogLines.tsx";
import { LogQLEditor } from "../components/LogQLEditor.tsx";
import { LogsDownload } from "../components/LogsDownload.tsx";
import { LogsStart } from "../components/LogsStart.tsx";
import { TimePicker } from "../components/TimePicker.tsx";
import { useLiveTail } from "../components/useLiveTail.ts";
import { VOLUME_MIN_HEIGHT, VolumeBars } from "../components/VolumeBars.tsx";
import { applyFilter, type FilterAction } from "../lib/logql_edit.ts";
import {
  flattenLines,
  LINE_LIMITS,
  type LogLine,
  type LogsState,
  readLogs,
  selectorOf,
  streamSelectorOf,
  writeLogs,
} from "../lib/logs.ts";
import { stackVolume } from "../lib/logs_volume.ts";
import { navigate, useLocation } from "../lib/router.ts";
import { formatDuration, parseDuration } from "../lib/time.ts";
import { DEFAULT_EXPLORE, writeExplore } from "../lib/url.ts";

const NS_PER_MS = 1_000_000n;
const NO_STALE = { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false, retry: false };

/** The Logs page. */
export function Logs() {
  const { search } = useLocation();
  const state = useMemo(() => readLogs(search), [search]);
  const [draft, setDraft] = useState(state.query);
  const [ranAt, setRanAt] = useState(() => Date.now());
  const [shown, setShown] = useState(state.query);
  const [parseError, setParseError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [context, setContext] = useState<LogLine | null>(null);
  if (shown !== state.query) {
    setShown(state.query);
    setDraft(state.query);
  }
  const go = (next: Partial<LogsState>) => {
    setRanAt(Date.now());
    setActionError(null);
    navigate(`/logs${writeLogs({ ...state, ...next })}`);
  };
  const closeContext = useCallback(() => setContext(null), []);
  const filter = (f: FilterAction) => {
    try {
      go({ query: applyFilter(state.query, f) });
    } catch (err) {
      setActionError((err as Error).message);
    }
  };

  const rangeMs = parseDuration(state.range)!;
  const endNs = BigInt(state.end ?? ranAt) * NS_PER_MS;
  const startNs = endNs - BigInt(rangeMs) * NS_PER_MS;
  // About 60 bars over the range, in whole seconds.
  const stepMs = Math.max(1, Math.floor(rangeMs / 60 / 1000)) * 1000;
  const stepNs = BigInt(stepMs) * NS_PER_MS;
  const enabled = state.query.trim() !== "";
  const span = [state.query, String(startNs), String(endNs), state.limit];
  const lines = useQuery({
    queryKey: ["logs", ...span],
    enabled,
    queryFn: ({ signal }) =>
      logsClient.query(
        {
          query: state.query,
          at: { case: "range", value: { startNs, endNs, stepNs } },
          limit: state.limit,
          direction: Direction.BACKWARD,
        },
        { signal },
      ),
    ...NO_STALE,
  });
  const volume = useQuery({
    queryKey: ["logs-volume", ...span.slice(0, 3)],
    enabled,
    queryFn: ({ signal }) =>
      logsClient.volume(
        { selector: selectorOf(state.query), by: "level", range: { startNs, endNs, stepNs } },
        { signal },
      ),
    ...NO_STALE,
  });

  const result = lines.data?.result;
  // A metric query answers samples: said once, with no volume (which only log queries have).
  const metricQuery = result !== undefined && result.case !== "streams";
  const queried = useMemo(
    () => (result?.case === "streams" ? flattenLines(result.value.streams) : []),
    [result],
  );
  const live = useLiveTail(state.query, enabled);
  const all = useMemo(() => {
    const newest = [...live.lines, ...queried];
    return state.order === "oldest" ? newest.reverse() : newest;
  }, [live.lines, queried, state.order]);
  const bars = useMemo(() => stackVolume(volume.data?.matrix?.series ?? []), [volume.data]);

  return (
    <Stack gap="sm">
      <Group align="flex-start" wrap="nowrap">
        <LogQLEditor
          value={draft}
          onChange={setDraft}
          onRun={() => go({ query: draft })}
          onParseError={setParseError}
        />
        <Button onClick={() => go({ query: draft })} loading={lines.isFetching}>
          Run
        </Button>
      </Group>
      {parseError && (
        <Text size="sm" c="red" ff="monospace" data-testid="parse-error">
          {parseError}
        </Text>
      )}
      <Group justify="space-between">
        <Group gap="md">
          <TimePicker
            range={state.range}
            end={state.end}
            onChange={(range, end) => go({ query: draft, range, end })}
          />
          <Switch
            label="Live"
            checked={live.on}
            disabled={!enabled}
            onChange={(e) => {
              live.setOn(e.currentTarget.checked);
              if (e.currentTarget.checked && state.end !== null) go({ end: null });
            }}
            data-testid="live-switch"
          />
          {live.on && (
            <Button
              size="xs"
              variant="light"
              onClick={() => live.setPaused(!live.paused)}
              data-testid="live-pause"
            >
              {live.paused ? `Resume (${live.held} new)` : "Pause"}
            </Button>
          )}
          {live.on && live.dropped > 0 && (
            <Text size="xs" c="orange" data-testid="live-dropped">
              {live.dropped} older held lines dropped
            </Text>
          )}
          {live.on && (
            <Badge
              color={live.error ? "red" : live.paused ? "gray" : "green"}
              variant="dot"
              data-testid="live-state"
            >
              {live.error ? "cut" : live.paused ? "paused" : "live"}
            </Badge>
          )}
        </Group>
        <Group gap="sm">
          {lines.data && (
            <Text size="sm" c="dimmed" data-testid="logs-summary">
              {queried.length} lines
              {queried.length >= state.limit ? ` (the newest ${state.limit})` : ""}
              {live.lines.length > 0 ? ` · ${live.lines.length} live` : ""}
            </Text>
          )}
          {enabled && (
            <Select
              size="xs"
              w={120}
              aria-label="Most lines"
              allowDeselect={false}
              value={String(state.limit)}
              onChange={(v) => v && go({ limit: Number(v) })}
              data={LINE_LIMITS.map((n) => ({
                value: String(n),
                label: `${n.toLocaleString()} lines`,
              }))}
              data-testid="logs-limit"
            />
          )}
          {enabled && (
            <SegmentedControl
              size="xs"
              value={state.order}
              onChange={(v) => go({ order: v === "oldest" ? "oldest" : "newest" })}
              data={[
                { value: "newest", label: "Newest first" },
                { value: "oldest", label: "Oldest first" },
              ]}
              data-testid="logs-order"
            />
          )}
          {all.length > 0 && (
            <LogsDownload
              lines={all}
              query={state.query}
              startNs={startNs}
              endNs={endNs}
              oldestFirst={state.order === "oldest"}
              onError={setActionError}
            />
          )}
        </Group>
      </Group>
      {live.error && (
        <Alert color="red" title="Cannot tail" data-testid="tail-error">
          {live.error}
        </Alert>
      )}
      {actionError && (
        <Alert
          color="red"
          title="Cannot do that"
          withCloseButton
          onClose={() => setActionError(null)}
        >
          {actionError}
        </Alert>
      )}
      {/* A parse error is already said under the editor: not said twice. */}
      {lines.error && !(parseError && messageOf(lines.error).includes(parseError)) && (
        <Alert color="red" title="Cannot run the query" data-testid="query-error">
          {messageOf(lines.error)}
        </Alert>
      )}
      {metricQuery && (
        <Alert color="yellow" title="Not a log query">
          This is a metric query;{" "}
          <Anchor
            href={`/explore${writeExplore({ ...DEFAULT_EXPLORE, query: state.query })}`}
            onClick={(e: React.MouseEvent) => {
              e.preventDefault();
              navigate(`/explore${writeExplore({ ...DEFAULT_EXPLORE, query: state.query })}`);
            }}
          >
            run it in Explore
          </Anchor>{" "}
          (LogQL metric queries answer samples, not lines).
        </Alert>
      )}
      {!enabled && <LogsStart onPick={(query) => go({ query })} />}
      {enabled && volume.isLoading && (
        <Center h={VOLUME_MIN_HEIGHT} data-testid="volume-loading">
          <Loader size="sm" />
        </Center>
      )}
      {volume.error && lines.isSuccess && !metricQuery && (
        <Text size="sm" c="red" data-testid="volume-error">
          Cannot draw the volume: {messageOf(volume.error)}
        </Text>
      )}
      {/* A query that failed has no lines to draw the volume of (its selector alone may). */}
      {volume.data && bars.bands.length > 0 && !lines.error && (
        <VolumeBars
          volume={bars}
          startMs={Number(startNs / NS_PER_MS)}
          endMs={Number(endNs / NS_PER_MS)}
          stepMs={stepMs}
          onZoom={(from, to) => go({ range: formatDuration(to - from), end: to })}
        />
      )}
      {lines.isLoading && <Loader size="sm" />}
      {lines.data && result?.case === "streams" && all.length === 0 && (
        <Text c="dimmed" data-testid="logs-empty">
          No lines match in the {state.end === null ? "last " : ""}
          {state.range}
          {state.end === null ? "" : ` to ${new Date(state.end).toLocaleString()}`}.
        </Text>
      )}
      {all.length > 0 && <LogLines lines={all} onFilter={filter} onContext={setContext} />}
      <LogContext line={context} selector={streamSelectorOf(state.query)} onClose={closeContext} />
    </Stack>
  );
}
