/**
 * Logs: a LogQL query over a range ending now (LogsService). The volume of the query's streams
 * by `level` as a graph, then the lines newest first (Query, backward, 1000 lines); a click on
 * a line shows its labels and structured metadata. **Live** opens a Tail stream whose lines go
 * on top; **Pause** holds them back until **Resume**. The URL holds the query and the range.
 */

import { create } from "@bufbuild/protobuf";
import { Alert, Badge, Button, Group, Loader, Stack, Switch, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { Direction } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { LabelSchema } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { logsClient, messageOf } from "../api/client.ts";
import { Graph } from "../components/Graph.tsx";
import { LogLines } from "../components/LogLines.tsx";
import { LogQLEditor } from "../components/LogQLEditor.tsx";
import { TimePicker } from "../components/TimePicker.tsx";
import {
  flattenLines,
  type LogLine,
  type LogsState,
  levelStroke,
  readLogs,
  selectorOf,
  writeLogs,
} from "../lib/logs.ts";
import { navigate, useLocation } from "../lib/router.ts";
import { parseDuration } from "../lib/time.ts";

/** Lines asked of Query. */
export const LINE_LIMIT = 1000;
/** Live lines kept on top of the queried ones. */
const LIVE_KEEP = 5000;
const NS_PER_MS = 1_000_000n;

/** The Logs page. */
export function Logs() {
  const { search } = useLocation();
  const state = useMemo(() => readLogs(search), [search]);
  const [draft, setDraft] = useState(state.query);
  const [ranAt, setRanAt] = useState(() => Date.now());
  const [shown, setShown] = useState(state.query);
  if (shown !== state.query) {
    setShown(state.query);
    setDraft(state.query);
  }
  const go = (next: Partial<LogsState>) => {
    setRanAt(Date.now());
    navigate(`/logs${writeLogs({ ...state, ...next })}`);
  };

  const rangeMs = parseDuration(state.range)!;
  const endNs = BigInt(ranAt) * NS_PER_MS;
  const startNs = endNs - BigInt(rangeMs) * NS_PER_MS;
  // About 60 bars over the range, in whole seconds.
  const stepNs = BigInt(Math.max(1, Math.floor(rangeMs / 60 / 1000))) * 1_000_000_000n;
  const enabled = state.query.trim() !== "";
  const lines = useQuery({
    queryKey: ["logs", state.query, String(startNs), String(endNs)],
    enabled,
    queryFn: ({ signal }) =>
      logsClient.query(
        {
          query: state.query,
          at: { case: "range", value: { startNs, endNs, stepNs } },
          limit: LINE_LIMIT,
          direction: Direction.BACKWARD,
        },
        { signal },
      ),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const volume = useQuery({
    queryKey: ["logs-volume", state.query, String(startNs), String(endNs)],
    enabled,
    queryFn: ({ signal }) =>
      logsClient.volume(
        { selector: selectorOf(state.query), by: "level", range: { startNs, endNs, stepNs } },
        { signal },
      ),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

  const result = lines.data?.result;
  const queried = useMemo(
    () => (result?.case === "streams" ? flattenLines(result.value.streams) : []),
    [result],
  );
  const live = useLive(state.query, enabled);
  const all = useMemo(() => [...live.lines, ...queried], [live.lines, queried]);
  const series = volume.data?.matrix?.series ?? [];
  const colors = useMemo(
    () => series.map((s) => levelStroke(s.labels.find((l) => l.name === "level")?.value ?? "")),
    [series],
  );
  const volumeSeries = useMemo(
    () =>
      series.map((s) => ({
        ...s,
        labels:
          s.labels.length > 0
            ? s.labels
            : [create(LabelSchema, { name: "level", value: "(none)" })],
      })),
    [series],
  );

  return (
    <Stack gap="sm">
      <Group align="flex-start" wrap="nowrap">
        <LogQLEditor value={draft} onChange={setDraft} onRun={() => go({ query: draft })} />
        <Button onClick={() => go({ query: draft })} loading={lines.isFetching}>
          Run
        </Button>
      </Group>
      <Group justify="space-between">
        <Group gap="md">
          <TimePicker
            range={state.range}
            end={null}
            onChange={(range) => go({ query: draft, range })}
          />
          <Switch
            label="Live"
            checked={live.on}
            disabled={!enabled}
            onChange={(e) => live.setOn(e.currentTarget.checked)}
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
        {lines.data && (
          <Text size="sm" c="dimmed" data-testid="logs-summary">
            {queried.length} lines
            {queried.length >= LINE_LIMIT ? ` (the newest ${LINE_LIMIT})` : ""}
            {live.lines.length > 0 ? ` · ${live.lines.length} live` : ""}
          </Text>
        )}
      </Group>
      {live.error && (
        <Alert color="red" title="Cannot tail" data-testid="tail-error">
          {live.error}
        </Alert>
      )}
      {lines.error && (
        <Alert color="red" title="Cannot run the query" data-testid="query-error">
          {messageOf(lines.error)}
        </Alert>
      )}
      {result && result.case !== "streams" && (
        <Alert color="yellow" title="Not a log query">
          This is a metric query; run it in Explore (LogQL metric queries answer samples, not
          lines).
        </Alert>
      )}
      {!enabled && <Text c="dimmed">Enter a log query and press Run.</Text>}
      {enabled && volume.isLoading && <Loader size="sm" />}
      {volume.error && !lines.error && (
        <Text size="sm" c="red" data-testid="volume-error">
          Cannot draw the volume: {messageOf(volume.error)}
        </Text>
      )}
      {volume.data && series.length > 0 && (
        <div data-testid="volume">
          <Graph
            series={volumeSeries}
            startMs={Number(startNs / NS_PER_MS)}
            endMs={Number(endNs / NS_PER_MS)}
            colors={colors}
            height={160}
          />
        </div>
      )}
      {lines.isLoading && <Loader size="sm" />}
      {lines.data && result?.case === "streams" && all.length === 0 && (
        <Text c="dimmed" data-testid="logs-empty">
          No lines match in the last {state.range}.
        </Text>
      )}
      {all.length > 0 && <LogLines lines={all} />}
    </Stack>
  );
}

/** A Tail stream while `on`: its lines newest first, held back while paused. */
function useLive(query: string, enabled: boolean) {
  const [on, setOn] = useState(false);
  const [paused, setPaused] = useState(false);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const held = useRef<LogLine[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    setLines([]);
    held.current = [];
    setHeldCount(0);
    setError(null);
    if (!on || !enabled) return;
    const abort = new AbortController();
    let batch = 0;
    (async () => {
      try {
        const startNs = BigInt(Date.now()) * NS_PER_MS;
        for await (const msg of logsClient.tail(
          { query, startNs, limit: 0 },
          { signal: abort.signal },
        )) {
          const fresh = flattenLines(msg.streams, `live${batch++}:`);
          if (fresh.length === 0) continue;
          if (pausedRef.current) {
            held.current = [...fresh, ...held.current];
            setHeldCount(held.current.length);
          } else setLines((prev) => [...fresh, ...prev].slice(0, LIVE_KEEP));
        }
      } catch (err) {
        if (!abort.signal.aborted) setError(messageOf(err));
      }
    })();
    return () => abort.abort();
  }, [on, enabled, query]);

  // Resuming puts the held lines on top.
  useEffect(() => {
    if (paused || held.current.length === 0) return;
    const h = held.current;
    held.current = [];
    setHeldCount(0);
    setLines((prev) => [...h, ...prev].slice(0, LIVE_KEEP));
  }, [paused]);

  return { on, setOn, paused, setPaused, lines, error, held: heldCount };
}
