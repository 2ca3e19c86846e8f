/**
 * The context of a log line (LogsService.Context): the lines of the same stream just before
 * and after it, oldest first, with the line itself marked, in a panel over the page's right
 * side (Escape or × closes it). The stream is found through Series, since a parser stage in the
 * query adds labels no stored stream has. More lines either way on demand. A plain fixed panel rather
 * than Mantine's Drawer, which would add its scroll-lock library to the first page's bundle.
 */
import { Alert, Box, Button, CloseButton, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ContextResponse, Entry } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { logsClient, messageOf } from "../api/client.ts";
import { formatLogTime, type LogLine, streamOf } from "../lib/logs.ts";

/** Lines asked for either way at first, and added by each "more". */
const STEP = 10;

interface Props {
  line: LogLine | null;
  /** The query's stream selector, to find the stored stream under labels a parser added. */
  selector: string | null;
  onClose(): void;
}

/** The panel; closed while `line` is null. */
export function LogContext({ line, selector, onClose }: Props) {
  useEffect(() => {
    if (line === null) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [line, onClose]);
  if (line === null) return null;
  return (
    <Paper
      role="dialog"
      aria-label="Context of the line"
      shadow="xl"
      withBorder
      p="md"
      style={{
        position: "fixed",
        top: 0,
        right: 0,
        bottom: 0,
        width: "min(60vw, 900px)",
        overflowY: "auto",
        zIndex: 300,
      }}
    >
      <Group justify="space-between" mb="xs">
        <Text fw={600}>Context</Text>
        <CloseButton aria-label="Close the context" onClick={onClose} data-testid="context-close" />
      </Group>
      <ContextBody key={line.key} line={line} selector={selector} />
    </Paper>
  );
}

function ContextBody({ line, selector }: { line: LogLine; selector: string | null }) {
  const [before, setBefore] = useState(STEP);
  const [after, setAfter] = useState(STEP);
  const ctx = useQuery({
    queryKey: ["logs-context", line.key, line.labels, String(line.timeNs), before, after],
    queryFn: async ({ signal }) =>
      logsClient.context(
        {
          stream: [...(await storedStream(line, selector, signal))],
          timeNs: line.timeNs,
          before,
          after,
        },
        { signal },
      ),
    placeholderData: (prev) => prev,
    retry: false,
  });
  const d = ctx.data;
  return (
    <Stack gap="xs" data-testid="log-context">
      <Text size="xs" c="dimmed" ff="monospace">
        {line.labels.map((p) => `${p.name}="${p.value}"`).join(", ")}
      </Text>
      {ctx.error && (
        <Alert color="red" title="Cannot load the context">
          {messageOf(ctx.error)}
        </Alert>
      )}
      {ctx.isLoading && <Loader size="sm" />}
      {d && (
        <>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={d.before.length < before}
            onClick={() => setBefore(before + STEP)}
          >
            {d.before.length < before ? "No older lines within the hour" : `${STEP} older lines`}
          </Button>
          {d.before.length + d.at.length + d.after.length === 0 && (
            <Text size="sm" c="dimmed" data-testid="context-empty">
              No lines of this stream within an hour of this one.
            </Text>
          )}
          <Box style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
            {rowsOf(d, line).map(([e, where], i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: each answer is replaced whole; lines at one time have no other identity.
              <ContextLine key={i} entry={e} where={where} />
            ))}
          </Box>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={d.after.length < after}
            onClick={() => setAfter(after + STEP)}
          >
            {d.after.length < after ? "No newer lines within the hour" : `${STEP} newer lines`}
          </Button>
        </>
      )}
    </Stack>
  );
}

/**
 * The stored stream of `line`: its labels as they are, unless a parser stage of the query
 * added some; then the largest stream of the selector (Series, within the hour around the
 * line) whose labels the line has.
 */
async function storedStream(
  line: LogLine,
  selector: string | null,
  signal: AbortSignal,
): Promise<readonly { name: string; value: string }[]> {
  if (selector === null) return line.labels;
  const hour = 3_600_000_000_000n;
  const res = await logsClient.series(
    { selectors: [selector], startNs: line.timeNs - hour, endNs: line.timeNs + hour },
    { signal },
  );
  return (
    streamOf(
      line.labels,
      res.series.map((s) => s.labels),
    ) ?? line.labels
  );
}

/** The answer's lines oldest first, each with where it stands relative to `line`. */
function rowsOf(d: ContextResponse, line: LogLine): [Entry, string][] {
  return [
    ...d.before.map((e): [Entry, string] => [e, "before"]),
    ...d.at.map((e): [Entry, string] => [e, e.line === line.line ? "line" : "at"]),
    ...d.after.map((e): [Entry, string] => [e, "after"]),
  ];
}

function ContextLine({ entry, where }: { entry: Entry; where: string }) {
  const mark = where === "line";
  return (
    <Group
      gap={8}
      wrap="nowrap"
      align="baseline"
      px={6}
      py={2}
      data-testid="context-line"
      data-where={where}
      style={{
        borderBottom: "1px solid var(--mantine-color-default-border)",
        background: mark ? "var(--mantine-primary-color-light)" : undefined,
        borderLeft: mark
          ? "3px solid var(--mantine-primary-color-filled)"
          : "3px solid transparent",
      }}
    >
      <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: "nowrap" }}>
        {formatLogTime(entry.timeNs)}
      </Text>
      <Text size="sm" ff="monospace" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {entry.line}
      </Text>
    </Group>
  );
}
