/**
 * Explore: a PromQL expression over a time range, drawn as a graph or listed as a table. The
 * URL holds the expression, range, end and tab; the query runs on Run (or Ctrl+Enter) and
 * whenever the URL changes, so a shared link opens on the same result.
 */
import { Alert, Button, Group, Loader, Stack, Tabs, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { messageOf, queryClient } from "../api/client.ts";
import { Graph } from "../components/Graph.tsx";
import { PromQLEditor } from "../components/PromQLEditor.tsx";
import { ResultTable } from "../components/ResultTable.tsx";
import { TimePicker } from "../components/TimePicker.tsx";
import { navigate, useLocation } from "../lib/router.ts";
import { formatDuration, parseDuration, stepFor } from "../lib/time.ts";
import { type ExploreState, readExplore, writeExplore } from "../lib/url.ts";

/** The Explore page. */
export function Explore() {
  const { search } = useLocation();
  const state = useMemo(() => readExplore(search), [search]);
  const [draft, setDraft] = useState(state.query);
  const [parseError, setParseError] = useState<string | null>(null);
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

  const rangeMs = parseDuration(state.range)!;
  const endMs = state.end ?? ranAt;
  const startMs = endMs - rangeMs;
  const stepMs = stepFor(rangeMs);
  const result = useQuery({
    queryKey: ["range", state.query, startMs, endMs, stepMs],
    enabled: state.query.trim() !== "",
    queryFn: ({ signal }) =>
      queryClient.range(
        {
          query: state.query,
          startMs: BigInt(startMs),
          endMs: BigInt(endMs),
          stepMs: BigInt(stepMs),
        },
        { signal },
      ),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const series = result.data?.result?.series ?? [];

  return (
    <Stack gap="sm">
      <Group align="flex-start" wrap="nowrap">
        <PromQLEditor
          value={draft}
          onChange={setDraft}
          onRun={() => go({ query: draft })}
          onParseError={setParseError}
        />
        <Button onClick={() => go({ query: draft })} loading={result.isFetching}>
          Run
        </Button>
      </Group>
      {parseError && (
        <Text size="sm" c="red" ff="monospace" data-testid="parse-error">
          {parseError}
        </Text>
      )}
      <Group justify="space-between">
        <TimePicker
          range={state.range}
          end={state.end}
          onChange={(range, end) => go({ query: draft, range, end })}
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
      {result.error && (
        <Alert color="red" title="Cannot run the query" data-testid="query-error">
          {messageOf(result.error)}
        </Alert>
      )}
      {result.data?.warnings.map((w) => (
        <Alert key={w} color="yellow">
          {w}
        </Alert>
      ))}
      <Tabs value={state.tab} onChange={(t) => go({ tab: t === "table" ? "table" : "graph" })}>
        <Tabs.List>
          <Tabs.Tab value="graph">Graph</Tabs.Tab>
          <Tabs.Tab value="table">Table</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="graph" pt="sm">
          {result.isLoading && <Loader size="sm" />}
          {result.data && state.tab === "graph" && (
            <Graph
              series={series}
              startMs={startMs}
              endMs={endMs}
              onZoom={(from, to) => go({ range: formatDuration(to - from), end: to })}
            />
          )}
          {!result.data && !result.isLoading && (
            <Text c="dimmed">Enter an expression and press Run.</Text>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="table" pt="sm">
          {result.data && <ResultTable series={series} />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
