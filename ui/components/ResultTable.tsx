/** The range result as a table: each series with its last value and that value's time. */
import { Table, Text } from "@mantine/core";
import type { Series } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { formatValue, seriesName } from "../lib/labels.ts";
import { formatTime, type TimeZone } from "../lib/timeexpr.ts";

/** One row per series, in the server's order; times in the browser's zone unless UTC is asked. */
export function ResultTable({
  series,
  timeZone = "local",
}: {
  series: readonly Series[];
  timeZone?: TimeZone;
}) {
  const at = (ms: number) =>
    timeZone === "utc" ? `${formatTime(ms, "utc")} UTC` : new Date(ms).toLocaleString();
  if (series.length === 0) return <Text c="dimmed">No series in this range.</Text>;
  return (
    <Table striped highlightOnHover data-testid="result-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Series</Table.Th>
          <Table.Th style={{ textAlign: "right" }}>Last value</Table.Th>
          <Table.Th>At</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {series.map((s) => {
          const last = s.values.length - 1;
          const name = seriesName(s.labels);
          return (
            <Table.Tr key={name}>
              <Table.Td ff="monospace" className="op-wrap">
                {name}
              </Table.Td>
              <Table.Td ff="monospace" style={{ textAlign: "right" }} data-testid="value">
                {last < 0 ? "" : formatValue(s.values[last])}
              </Table.Td>
              <Table.Td>{last < 0 ? "" : at(Number(s.timestampsMs[last]))}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
