/**
 * Explore's split view: the logs (LogsService.Query, newest first, 1000 lines) of a LogQL query
 * over the same range as the graph. A legend entry's "logs" action fills the query from the
 * series' labels; it can be edited here.
 */
import { Alert, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Direction } from "../../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { logsClient, messageOf } from "../../api/client.ts";
import { flattenLines } from "../../lib/logs.ts";
import { LogLines } from "../LogLines.tsx";
import { LogQLEditor } from "../LogQLEditor.tsx";

/** Lines asked of Query, as the Logs page asks. */
const LINE_LIMIT = 1000;
const NS_PER_MS = 1_000_000n;

interface Props {
  logQuery: string;
  startMs: number;
  endMs: number;
  /** Runs an edited query (it goes into the URL). */
  onQuery(logQuery: string): void;
}

/** The logs under the graph. */
export function SplitLogs({ logQuery, startMs, endMs, onQuery }: Props) {
  const [draft, setDraft] = useState(logQuery);
  const [shown, setShown] = useState(logQuery);
  if (shown !== logQuery) {
    setShown(logQuery);
    setDraft(logQuery);
  }
  const startNs = BigInt(startMs) * NS_PER_MS;
  const endNs = BigInt(endMs) * NS_PER_MS;
  const lines = useQuery({
    queryKey: ["split-logs", logQuery, String(startNs), String(endNs)],
    enabled: logQuery.trim() !== "",
    queryFn: ({ signal }) =>
      logsClient.query(
        {
          query: logQuery,
          at: { case: "range", value: { startNs, endNs, stepNs: 0n } },
          limit: LINE_LIMIT,
          direction: Direction.BACKWARD,
        },
        { signal },
      ),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const result = lines.data?.result;
  const flat = useMemo(
    () => (result?.case === "streams" ? flattenLines(result.value.streams) : []),
    [result],
  );
  return (
    <Stack gap="xs" data-testid="split-logs">
      <Group align="flex-start" wrap="nowrap">
        <LogQLEditor value={draft} onChange={setDraft} onRun={() => onQuery(draft)} />
        <Button variant="default" onClick={() => onQuery(draft)} loading={lines.isFetching}>
          Show logs
        </Button>
      </Group>
      {logQuery === "" && (
        <Text c="dimmed" size="sm">
          Click "logs" on a legend entry for that series' logs, or write a LogQL query.
        </Text>
      )}
      {lines.error && (
        <Alert color="red" title="Cannot query the logs" data-testid="split-logs-error">
          {messageOf(lines.error)}
        </Alert>
      )}
      {lines.isLoading && <Loader size="sm" />}
      {result && result.case !== "streams" && (
        <Text c="dimmed">A metric query: Explore's graph above draws those.</Text>
      )}
      {result?.case === "streams" && (
        <>
          <Text size="sm" c="dimmed" data-testid="split-logs-count">
            {flat.length === LINE_LIMIT ? `the newest ${LINE_LIMIT} lines` : `${flat.length} lines`}
          </Text>
          {flat.length === 0 ? (
            <Text c="dimmed">No lines in this range.</Text>
          ) : (
            <LogLines lines={flat} />
          )}
        </>
      )}
    </Stack>
  );
}
