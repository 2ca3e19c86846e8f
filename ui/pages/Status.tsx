/**
 * The public status page (`/status`): rendered without the shell and without login, from
 * `GET /status.json` (the one call of the UI outside the Connect API: it is the server's
 * unauthenticated, read-only answer for `status_page`'s chosen targets, docs/ui.md).
 */
import { Alert, Badge, Container, Group, Paper, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { formatSeconds, formatSla, windowName } from "../lib/uptime.ts";

interface Row {
  name: string;
  state: "up" | "down" | "unknown";
  sla: { window_ms: number; ratio: number | null }[];
  response_seconds: number | null;
  last_check_ms: number;
}
interface Answer {
  title: string;
  decimals: number;
  time_ms: number;
  rows: Row[];
}

const COLOR = { up: "green", down: "red", unknown: "gray.6" } as const;
const WORD = { up: "Operational", down: "Down", unknown: "No data" } as const;

async function fetchStatus(signal: AbortSignal): Promise<Answer | null> {
  const res = await fetch("/status.json", { signal });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(((await res.json()) as { error: string }).error);
  return (await res.json()) as Answer;
}

/** The status page. */
export function Status() {
  const q = useQuery({
    queryKey: ["status-page"],
    queryFn: ({ signal }) => fetchStatus(signal),
    refetchInterval: 30_000,
    retry: false,
  });
  const title = q.data?.title ?? "Status";
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <Container size="md" py="xl" component="main" id="main">
      <Title order={1} mb="md">
        {title}
      </Title>
      {q.isLoading ? (
        <Text c="dimmed">Loading…</Text>
      ) : q.error ? (
        <Alert color="red" title="Cannot load the status">
          {(q.error as Error).message}
        </Alert>
      ) : q.data === null ? (
        <Text data-testid="status-off">This server does not publish a status page.</Text>
      ) : (
        <Board answer={q.data!} />
      )}
    </Container>
  );
}

function Board({ answer }: { answer: Answer }) {
  const down = answer.rows.filter((r) => r.state === "down").length;
  const windows = answer.rows[0]?.sla.map((s) => s.window_ms) ?? [];
  return (
    <>
      <Paper
        withBorder
        p="md"
        mb="md"
        bg={down > 0 ? "var(--mantine-color-red-light)" : "var(--mantine-color-green-light)"}
        data-testid="status-summary"
      >
        <Text fw={700} size="lg">
          {down > 0
            ? `${down} of ${answer.rows.length} services ${down === 1 ? "is" : "are"} down`
            : "All services are operational"}
        </Text>
        <Text size="sm" c="dimmed">
          As of {new Date(answer.time_ms).toLocaleString()}
        </Text>
      </Paper>
      <Table data-testid="status-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Service</Table.Th>
            <Table.Th>State</Table.Th>
            {windows.map((w) => (
              <Table.Th key={w} ta="right">
                {windowName(w)}
              </Table.Th>
            ))}
            <Table.Th ta="right">Response</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {answer.rows.map((r) => (
            <Table.Tr key={r.name} data-testid="status-row">
              <Table.Td>
                <Text fw={500}>{r.name}</Text>
              </Table.Td>
              <Table.Td>
                <Badge color={COLOR[r.state]} variant="filled" data-testid="status-state">
                  {WORD[r.state]}
                </Badge>
              </Table.Td>
              {r.sla.map((s) => (
                <Table.Td key={s.window_ms} ta="right">
                  <Text ff="monospace" size="sm" data-testid="status-sla">
                    {formatSla(s.ratio ?? Number.NaN, answer.decimals)}
                  </Text>
                </Table.Td>
              ))}
              <Table.Td ta="right">
                <Text ff="monospace" size="sm">
                  {formatSeconds(r.response_seconds ?? Number.NaN)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="center" mt="xl">
        <Text size="xs" c="dimmed">
          Availability is the share of successful probes over each window.
        </Text>
      </Group>
    </>
  );
}
