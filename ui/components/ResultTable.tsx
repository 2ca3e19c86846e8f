/** The range result as a table: each series with its last value and that value's time. */
import { Table, Text } from "@mantine/core";
import type { Series } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { formatValue, seriesName } from "../lib/labels.ts";

/** One row per series, in the server's order. */
export function ResultTable({ series }: { series: readonly Series[] }) {
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
              <Table.Td ff="monospace">{name}</Table.Td>
              <Table.Td ff="monospace" style={{ textAlign: "right" }} data-testid="value">
                {last < 0 ? "" : formatValue(s.values[last])}
              </Table.Td>
              <Table.Td>
                {last < 0 ? "" : new Date(Number(s.timestampsMs[last])).toLocaleString()}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
