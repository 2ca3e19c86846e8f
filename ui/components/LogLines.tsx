/**
 * Log lines as a compact list: time, level badge (error red, warn amber, info blue, debug
 * grey), the stream's labels as one line of chips, and the line in monospace. A click on a
 * line opens its labels and structured metadata.
 */
import { Badge, Box, Group, Table, Text } from "@mantine/core";
import { useState } from "react";
import { formatLogTime, type LogLine, levelColor } from "../lib/logs.ts";

/** The lines, in the order given. */
export function LogLines({ lines }: { lines: readonly LogLine[] }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <Box
      data-testid="log-lines"
      style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}
    >
      {lines.map((l) => (
        <Box
          key={l.key}
          data-testid="log-line"
          data-time-ns={String(l.timeNs)}
          py={4}
          px={6}
          style={{
            borderBottom: "1px solid var(--mantine-color-default-border)",
            cursor: "pointer",
          }}
          onClick={() => toggle(l.key)}
          // Reachable and operable by keyboard as well as by mouse.
          role="button"
          tabIndex={0}
          aria-expanded={open.has(l.key)}
          onKeyDown={(e) => {
            if (e.target !== e.currentTarget || (e.key !== "Enter" && e.key !== " ")) return;
            e.preventDefault();
            toggle(l.key);
          }}
        >
          <Group gap={8} wrap="nowrap" align="flex-start">
            <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: "nowrap" }}>
              {formatLogTime(l.timeNs)}
            </Text>
            <Badge
              size="xs"
              radius="sm"
              w={52}
              color={levelColor(l.level)}
              variant={l.level === "" ? "outline" : "filled"}
              data-testid="log-level"
              style={{ flexShrink: 0 }}
            >
              {l.level || "—"}
            </Badge>
            <Box style={{ minWidth: 0, flex: 1 }}>
              <Text size="xs" c="dimmed" truncate="end" data-testid="log-labels">
                {l.labels.map((p) => `${p.name}=${p.value}`).join("  ")}
              </Text>
              <Text
                size="sm"
                ff="monospace"
                data-testid="log-text"
                style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}
              >
                {l.line}
              </Text>
            </Box>
          </Group>
          {open.has(l.key) && <Details line={l} />}
        </Box>
      ))}
    </Box>
  );
}

function Details({ line }: { line: LogLine }) {
  const rows = [
    ...line.labels.map((p) => ({ ...p, kind: "label" })),
    ...line.metadata.map((p) => ({ ...p, kind: "metadata" })),
  ];
  return (
    <Table
      mt={6}
      ml={180}
      w="auto"
      withTableBorder
      fz="xs"
      data-testid="log-details"
      onClick={(e) => e.stopPropagation()}
    >
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={`${r.kind}:${r.name}`}>
            <Table.Td c="dimmed">{r.kind}</Table.Td>
            <Table.Td ff="monospace">{r.name}</Table.Td>
            <Table.Td ff="monospace">{r.value}</Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td c="dimmed">time</Table.Td>
          <Table.Td ff="monospace">ns</Table.Td>
          <Table.Td ff="monospace">{String(line.timeNs)}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}
