/**
 * The History tab: ListHistory over a chosen range (the newest 5,000 records) as a timeline
 * and a list, both narrowed by receiver, alert name and status. The records are the server's:
 * the tab only places and colours them.
 */
import {
  Alert,
  Badge,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { alertsClient, messageOf } from "../../api/client.ts";
import { lanesOf, marksOf, STATUSES, statusColor } from "../../lib/history.ts";
import { parseDuration } from "../../lib/time.ts";
import { HistoryTimeline } from "./HistoryTimeline.tsx";

const RANGES = ["15m", "1h", "6h", "1d", "7d", "30d"];
const LIMIT = 5000;
/** List rows drawn at most (the timeline shows them all). */
const LIST_ROWS = 300;

/** The history of the alerts and notifications. */
export function History() {
  const [range, setRange] = useState("1h");
  const [by, setBy] = useState<"alert" | "receiver">("alert");
  const [receiver, setReceiver] = useState<string | null>(null);
  const [alertname, setAlertname] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const history = useQuery({
    queryKey: ["history", range],
    queryFn: async ({ signal }) => {
      const endMs = Date.now();
      const startMs = endMs - parseDuration(range)!;
      const res = await alertsClient.listHistory(
        { startMs: BigInt(startMs), endMs: BigInt(endMs), limit: LIMIT },
        { signal },
      );
      return { startMs, endMs, records: res.records };
    },
    refetchInterval: 30_000,
    retry: false,
  });
  const all = useMemo(() => marksOf(history.data?.records ?? []), [history.data]);
  const marks = all.filter(
    (m) =>
      (receiver === null || m.receiver === receiver) &&
      (alertname === null || m.alertnames.includes(alertname)) &&
      (status === null || m.status === status),
  );
  const lanes = useMemo(() => lanesOf(marks, by), [marks, by]);
  const receivers = [...new Set(all.map((m) => m.receiver).filter((r) => r !== ""))].sort();
  const names = [...new Set(all.flatMap((m) => m.alertnames))].sort();
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <Select
          label="Range"
          w={110}
          data={RANGES.map((r) => ({ value: r, label: `Last ${r}` }))}
          value={range}
          allowDeselect={false}
          onChange={(r) => r && setRange(r)}
        />
        <Select
          label="Receiver"
          w={170}
          data={receivers}
          value={receiver}
          onChange={setReceiver}
          clearable
          placeholder="any"
        />
        <Select
          label="Alert name"
          w={200}
          data={names}
          value={alertname}
          onChange={setAlertname}
          clearable
          searchable
          placeholder="any"
        />
        <Select
          label="Status"
          w={130}
          data={STATUSES}
          value={status}
          onChange={setStatus}
          clearable
          placeholder="any"
        />
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            Lanes
          </Text>
          <SegmentedControl
            size="xs"
            value={by}
            onChange={(v) => setBy(v as "alert" | "receiver")}
            data={[
              { value: "alert", label: "per alert" },
              { value: "receiver", label: "per receiver" },
            ]}
          />
        </Stack>
        {history.isFetching && <Loader size="xs" mb={10} />}
      </Group>
      {history.error && (
        <Alert color="red" title="Cannot read the history" data-testid="history-error">
          {messageOf(history.error)}
        </Alert>
      )}
      <Group gap="xs">
        {STATUSES.map((s) => (
          <Badge key={s} color={statusColor(s)} variant="light" size="sm">
            {s}
          </Badge>
        ))}
        <Text size="xs" c="dimmed">
          ● state change ■ notification attempt
        </Text>
      </Group>
      {history.data && marks.length === 0 && (
        <Text c="dimmed" data-testid="history-empty">
          No history in the last {range}
          {receiver || alertname || status ? " matches the filters" : ""}.
        </Text>
      )}
      {history.data && marks.length > 0 && (
        <>
          <HistoryTimeline
            lanes={lanes}
            startMs={history.data.startMs}
            endMs={history.data.endMs}
          />
          <Text size="sm" c="dimmed" data-testid="history-count">
            {marks.length} record{marks.length === 1 ? "" : "s"}
            {history.data.records.length >= LIMIT ? ` (the newest ${LIMIT} of the range)` : ""}
            {marks.length > LIST_ROWS ? `; the newest ${LIST_ROWS} listed` : ""}
          </Text>
          {/* On a narrow screen the table scrolls sideways; its columns do not overlap. */}
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing={4} data-testid="history-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={230}>Time</Table.Th>
                  <Table.Th w={110}>Status</Table.Th>
                  <Table.Th>What</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {marks.slice(0, LIST_ROWS).map((m) => (
                  <Table.Tr
                    key={m.id}
                    data-testid="history-entry"
                    data-kind={m.kind}
                    data-status={m.status}
                  >
                    <Table.Td>
                      <Text size="sm" ff="monospace" style={{ whiteSpace: "nowrap" }}>
                        {new Date(m.timeMs).toLocaleString()}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={statusColor(m.status)} variant="light">
                        {m.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{m.text}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
