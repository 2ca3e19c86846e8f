/**
 * The admin page's Audit tab over AdminService.ListAudit: newest first, filtered by actor,
 * action prefix and target over a range; "Older" pages back by ending the next page just
 * before the oldest record shown.
 */
import { Badge, Button, Group, Select, Table, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { adminClient } from "../../api/client.ts";
import { auditTime, outcomeOf } from "../../lib/admin.ts";
import { Refusal } from "./bits.tsx";

const PAGE = 50;
const RANGES = [
  { value: "3600000", label: "last hour" },
  { value: "86400000", label: "last 24 hours" },
  { value: "604800000", label: "last 7 days" },
  { value: "2592000000", label: "last 30 days" },
  { value: "7776000000", label: "last 90 days" },
];

/** The Audit tab. */
export function Audit() {
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [target, setTarget] = useState("");
  const [range, setRange] = useState("604800000");
  // The ends of the pages walked back through; the last is the page shown (0: now).
  const [ends, setEnds] = useState<bigint[]>([0n]);
  const end = ends[ends.length - 1];
  const q = useQuery({
    queryKey: ["admin", "audit", actor, action, target, range, String(end)],
    queryFn: ({ signal }) => {
      const endMs = end === 0n ? BigInt(Date.now()) : end;
      return adminClient.listAudit(
        {
          actor,
          actionPrefix: action,
          target,
          endMs,
          startMs: endMs - BigInt(range),
          limit: PAGE,
        },
        { signal },
      );
    },
    retry: false,
  });
  const records = q.data?.records ?? [];
  const filter = (set: (v: string) => void) => (v: string) => {
    set(v);
    setEnds([0n]);
  };
  return (
    <>
      <Refusal error={q.error} onClose={() => q.refetch()} />
      <Group align="flex-end" gap="xs" mb="sm">
        <TextInput
          label="Actor"
          placeholder="user or token"
          value={actor}
          onChange={(e) => filter(setActor)(e.currentTarget.value)}
        />
        <TextInput
          label="Action"
          placeholder="token., user.create"
          value={action}
          onChange={(e) => filter(setAction)(e.currentTarget.value)}
        />
        <TextInput
          label="Target"
          value={target}
          onChange={(e) => filter(setTarget)(e.currentTarget.value)}
        />
        <Select
          label="Range"
          w={150}
          data={RANGES}
          value={range}
          allowDeselect={false}
          onChange={(v) => filter(setRange)(v ?? range)}
        />
      </Group>
      {/* On a narrow screen the table scrolls sideways; its columns do not overlap. */}
      <Table.ScrollContainer minWidth={720}>
        <Table data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {records.map((r) => {
              const o = outcomeOf(r.outcome);
              return (
                <Table.Tr key={r.id} data-testid="audit-row" data-action={r.action}>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                      {auditTime(r.timeMs)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.actor?.name || r.actor?.kind || "—"}</Text>
                    <Text size="xs" c="dimmed">
                      {r.actor?.kind} · {r.source}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {r.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.target}</Table.Td>
                  <Table.Td>
                    <Badge color={o.color} variant="light">
                      {o.text}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {r.message}
                      {r.count > 1n ? ` (${r.count} attempts)` : ""}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {records.length === 0 && !q.isLoading && (
        <Text c="dimmed" size="sm" mt="sm" data-testid="audit-empty">
          No audit records match.
        </Text>
      )}
      <Group mt="sm" gap="xs">
        <Button
          size="compact-sm"
          variant="default"
          disabled={ends.length === 1}
          onClick={() => setEnds([0n])}
        >
          Newest
        </Button>
        <Button
          size="compact-sm"
          variant="default"
          disabled={records.length < PAGE}
          onClick={() => setEnds([...ends, records[records.length - 1].timeMs - 1n])}
        >
          Older
        </Button>
      </Group>
    </>
  );
}
