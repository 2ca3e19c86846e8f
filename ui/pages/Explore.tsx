/**
 * Explore: a PromQL expression over a time range, drawn as a graph, listed as a table or shown
 * as its query tree, with the logs of the same range below the graph on demand. The URL holds
 * everything (expression, range, tab, graph options, time zone, split view), so a shared link
 * opens on the same view; the query runs on Run (or Ctrl+Enter) and whenever the URL changes.
 */
import { Alert, Button, Group, Loader, Select, Stack, Switch, Tabs, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { binaryQueryClient, logsClient, messageOf } from "../api/client.ts";
import { ExplainTree } from "../components/explore/ExplainTree.tsx";
import { ExploreStart } from "../components/explore/ExploreStart.tsx";
import { QueryLibrary, rememberRun } from "../components/explore/QueryLibrary.tsx";
import { SplitLogs } from "../components/explore/SplitLogs.tsx";
import { StepInput } from "../components/explore/StepInput.tsx";
import "../components/explore/explore.css";
import { Graph } from "../components/Graph.tsx";
import { PromQLEditor } from "../components/PromQLEditor.tsx";
import { ResultTable } from "../components/ResultTable.tsx";
import { TimePicker } from "../components/TimePicker.tsx";
import { navigate, useLocation } from "../lib/router.ts";
import { logSelectorFor } from "../lib/split.ts";
import { formatDuration, parseDuration, stepFor } from "../lib/time.ts";
import { storedTimeZone, type TimeZone, TZ_KEY } from "../lib/timeexpr.ts";
import { isUnit, UNITS } from "../lib/units.ts";
import {
  type ExploreState,
  type ExploreTab,
  readExplore,
  resolveRange,
  writeExplore,
} from "../lib/url.ts";

/** The Explore page. */
export function Explore() {
  const { search } = useLocation();
  const state = useMemo(() => readExplore(search), [search]);
  const [draft, setDraft] = useState(state.query);
  const [parseError, setParseError] = useState<string | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [splitError, setSplitError] = useState<string | null>(null);
  const [storedTz, setStoredTz] = useState(() => storedTimeZone(localStorage));
  // A run at "now" is pinned to the moment of the run, so re-renders do not re-query.
  const [ranAt, setRanAt] = useState(() => Date.now());
  const [shown, setShown] = useState(state.query);
  if (shown !== state.query) {
    setShown(state.query);
    setDraft(state.query);
  }

  const go = (next: Partial<ExploreState>) => {
    setRanAt(Date.now());
    navigate(`/explore${writeExplore({ ...state, ...next })}`);
  };
  const run = (query: string) => {
    rememberRun(query);
    go({ query });
  };
  // The link's zone wins over this browser's setting; switching sets both.
  const tz: TimeZone = state.tz ?? storedTz;
  const setTz = (next: TimeZone) => {
    localStorage.setItem(TZ_KEY, next);
    setStoredTz(next);
    go({ tz: next });
  };

  const resolved = resolveRange(state, ranAt, tz);
  const { startMs, endMs } = "error" in resolved ? { startMs: 0, endMs: 0 } : resolved;
  const stepMs = state.step === null ? stepFor(endMs - startMs) : parseDuration(state.step)!;
  const result = useQuery({
    queryKey: ["range", state.query, startMs, endMs, stepMs],
    enabled: state.query.trim() !== "" && !("error" in resolved),
    queryFn: async ({ signal }) => {
      const answer = await binaryQueryClient.range(
        {
          query: state.query,
          startMs: BigInt(startMs),
          endMs: BigInt(endMs),
          stepMs: BigInt(stepMs),
        },
        { signal },
      );
      // bench/ui_explore.ts measures from here (the data arrived) to the graph's draw.
      if (window.__outpostPerf) performance.mark("explore:data");
      return answer;
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const series = result.data?.result?.series ?? [];

  // "logs" on a legend entry: the series' labels that are also log stream labels in the range.
  const showLogsOf = async (index: number) => {
    try {
      const names = await logsClient.labelNames({
        selection: { startNs: BigInt(startMs) * 1_000_000n, endNs: BigInt(endMs) * 1_000_000n },
      });
      const selector = logSelectorFor(series[index].labels, names.names);
      if (selector === null) {
        setSplitError(
          "No label of this series is a log stream label in this range: write the LogQL below.",
        );
        go({ logs: true });
      } else {
        setSplitError(null);
        go({ logs: true, logQuery: selector });
      }
    } catch (e) {
      setSplitError(`Cannot read the log stream labels: ${messageOf(e)}`);
      go({ logs: true });
    }
  };

  return (
    <Stack gap="sm">
      <Group align="flex-start" wrap="nowrap">
        <PromQLEditor
          value={draft}
          onChange={setDraft}
          onRun={() => run(draft)}
          onParseError={setParseError}
        />
        <Button onClick={() => run(draft)} loading={result.isFetching}>
          Run
        </Button>
        <Button variant="default" onClick={() => setDrawer(true)} data-testid="open-library">
          Queries
        </Button>
      </Group>
      <QueryLibrary opened={drawer} onClose={() => setDrawer(false)} current={draft} onLoad={run} />
      {parseError && (
        <Text size="sm" c="red" ff="monospace" data-testid="parse-error">
          {parseError}
        </Text>
      )}
      <Group justify="space-between">
        <TimePicker
          range={state.range}
          end={state.end}
          onChange={(range, end) => go({ query: draft, range, end, from: null, to: null })}
          from={state.from}
          to={state.to}
          onFromTo={(from, to) => go({ query: draft, from, to })}
          timeZone={tz}
          onTimeZone={setTz}
        />
        {result.data && (
          <Text
            size="sm"
            c="dimmed"
            data-testid="result-summary"
            data-start-ms={startMs}
            data-end-ms={endMs}
            data-step-ms={stepMs}
          >
            {series.length} series · step {formatDuration(stepMs)}
          </Text>
        )}
      </Group>
      {"error" in resolved && (
        <Alert color="red" title="Cannot read the time range" data-testid="range-url-error">
          {resolved.error}
        </Alert>
      )}
      {/* A parse error is already said under the editor: not said twice. */}
      {result.error && !(parseError && messageOf(result.error).includes(parseError)) && (
        <Alert color="red" title="Cannot run the query" data-testid="query-error">
          {/* Prometheus's words name its URL parameter; here it is the Step field. */}
          {messageOf(result.error).replace("(?step=XX)", "(a larger Step)")}
        </Alert>
      )}
      {result.data?.warnings.map((w) => (
        <Alert key={w} color="yellow">
          {w}
        </Alert>
      ))}
      {result.data && series.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="empty-result">
          Empty query result: no series matched over this range.
        </Text>
      )}
      <Tabs value={state.tab} onChange={(t) => go({ tab: (t ?? "graph") as ExploreTab })}>
        <Tabs.List>
          <Tabs.Tab value="graph">Graph</Tabs.Tab>
          <Tabs.Tab value="table">Table</Tabs.Tab>
          <Tabs.Tab value="tree">Tree</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="graph" pt="sm">
          <Group gap="lg" mb="xs">
            <Switch
              label="Stacked"
              checked={state.stacked}
              onChange={(e) => go({ stacked: e.currentTarget.checked })}
              data-testid="opt-stacked"
            />
            <Switch
              label="Log scale"
              checked={state.log}
              onChange={(e) => go({ log: e.currentTarget.checked })}
              data-testid="opt-log"
            />
            <Select
              aria-label="Unit"
              size="xs"
              w={150}
              data={UNITS.map((u) => ({ value: u.value, label: `Unit: ${u.label}` }))}
              value={state.unit}
              allowDeselect={false}
              onChange={(u) => u && isUnit(u) && go({ unit: u })}
            />
            <StepInput step={state.step} onStep={(step) => go({ step })} />
            <Switch
              label="Logs"
              checked={state.logs}
              onChange={(e) => go({ logs: e.currentTarget.checked })}
              data-testid="opt-logs"
            />
          </Group>
          {result.isLoading && <Loader size="sm" />}
          {result.data && state.tab === "graph" && (
            <Graph
              series={series}
              startMs={startMs}
              endMs={endMs}
              stepMs={stepMs}
              stacked={state.stacked}
              unit={state.unit}
              log={state.log}
              timeZone={tz}
              onSeriesLogs={(i) => void showLogsOf(i)}
              onZoom={(from, to) =>
                go({ range: formatDuration(to - from), end: to, from: null, to: null })
              }
            />
          )}
          {!result.data && !result.isLoading && (
            <ExploreStart
              onPick={(q) => {
                setDraft(q);
                run(q);
              }}
            />
          )}
          {state.logs && state.tab === "graph" && !("error" in resolved) && (
            <Stack gap="xs" mt="md">
              {splitError && (
                <Text size="sm" c="orange" data-testid="split-note">
                  {splitError}
                </Text>
              )}
              <SplitLogs
                logQuery={state.logQuery}
                startMs={startMs}
                endMs={endMs}
                onQuery={(logQuery) => go({ logQuery })}
              />
            </Stack>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="table" pt="sm">
          {/* Only when shown: Mantine keeps hidden panels mounted, and 100 rows delayed the graph. */}
          {result.data && state.tab === "table" && <ResultTable series={series} timeZone={tz} />}
        </Tabs.Panel>
        <Tabs.Panel value="tree" pt="sm">
          {state.tab === "tree" && !("error" in resolved) && (
            <ExplainTree
              query={state.query}
              startMs={startMs}
              endMs={endMs}
              stepMs={stepMs}
              onRun={(query) => {
                // Running a node shows its result, as Run does.
                rememberRun(query);
                go({ query, tab: "graph" });
              }}
            />
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
