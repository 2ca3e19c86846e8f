/**
 * An expanded log line: its stream labels, structured metadata and the fields parsed from the
 * line (logfmt or JSON) as a key/value table, each row with "filter for value" and "filter out"
 * when the page can edit its query, and a button for the line's context.
 */
import { ActionIcon, Button, Group, Table, Text } from "@mantine/core";
import { useMemo } from "react";
import { parseFields } from "../lib/logfields.ts";
import type { FilterAction } from "../lib/logql_edit.ts";
import type { LogLine } from "../lib/logs.ts";

interface Row {
  kind: FilterAction["kind"];
  parser: FilterAction["parser"];
  name: string;
  value: string;
}

interface Props {
  line: LogLine;
  onFilter?(f: FilterAction): void;
  onContext?(line: LogLine): void;
}

/** The expanded part of one line. */
export function LogDetails({ line, onFilter, onContext }: Props) {
  const rows = useMemo(() => rowsOf(line), [line]);
  const parsed = rows.find((r) => r.kind === "field")?.parser;
  return (
    <div data-testid="log-details" style={{ padding: "6px 0 6px 180px" }}>
      <Group gap="xs" mb={6}>
        {onContext && (
          <Button
            size="compact-xs"
            variant="light"
            onClick={() => onContext(line)}
            data-testid="log-context-open"
          >
            Show context
          </Button>
        )}
        <Text size="xs" c="dimmed">
          {parsed ? `fields parsed as ${parsed}` : "no logfmt or JSON fields in the line"}
        </Text>
      </Group>
      <Table w="auto" withTableBorder fz="xs" verticalSpacing={2}>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.kind}:${r.name}`} data-testid="log-field" data-kind={r.kind}>
              <Table.Td c="dimmed">{r.kind === "field" ? r.parser : r.kind}</Table.Td>
              <Table.Td ff="monospace">{r.name}</Table.Td>
              <Table.Td ff="monospace" style={{ wordBreak: "break-all" }}>
                {r.value}
              </Table.Td>
              {onFilter && (
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <FilterButton row={r} out={false} lineText={line.line} onFilter={onFilter} />
                  <FilterButton row={r} out={true} lineText={line.line} onFilter={onFilter} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Td c="dimmed">time</Table.Td>
            <Table.Td ff="monospace">ns</Table.Td>
            <Table.Td ff="monospace">{String(line.timeNs)}</Table.Td>
            {onFilter && <Table.Td />}
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </div>
  );
}

function FilterButton({
  row,
  out,
  lineText,
  onFilter,
}: {
  row: Row;
  out: boolean;
  lineText: string;
  onFilter(f: FilterAction): void;
}) {
  const label = `${out ? "Filter out" : "Filter for"} ${row.name}="${row.value}"`;
  return (
    <ActionIcon
      size="xs"
      variant="subtle"
      aria-label={label}
      title={label}
      data-testid={out ? "filter-out" : "filter-for"}
      onClick={() => onFilter({ ...row, out, line: lineText })}
    >
      {out ? "−" : "+"}
    </ActionIcon>
  );
}

/** Labels, metadata, then the parsed fields not already shown under their name. */
function rowsOf(line: LogLine): Row[] {
  const { format, fields } = parseFields(line.line);
  const labels: Row[] = line.labels.map((p) => ({ kind: "label", parser: null, ...p }));
  const metadata: Row[] = line.metadata.map((p) => ({ kind: "metadata", parser: null, ...p }));
  const seen = new Set([...labels, ...metadata].map((r) => r.name));
  const parsed: Row[] = fields
    .filter((f) => !seen.has(f.name))
    .map((f) => ({ kind: "field", parser: format, ...f }));
  return [...labels, ...metadata, ...parsed];
}
