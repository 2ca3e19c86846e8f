/**
 * A target's SLA over a window the user picks (from, to): UptimeService.GetTarget with that
 * one window ending at `to`, so the figure is the API's `avg_over_time(probe_success[to-from])`
 * at `to`, with the down intervals inside it. The window is in the URL (`&from=…&to=…`, ms).
 */
import { Alert, Button, Group, Paper, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { messageOf, uptimeClient } from "../api/client.ts";
import type { LabelPair } from "../lib/labels.ts";
import { DAY_MS, humanDuration } from "../lib/uptime.ts";
import { SlaText } from "./UptimeBits.tsx";

/** GetTarget reads down intervals over at most 31 days. */
const MAX_RANGE_MS = 31 * DAY_MS;

/** `datetime-local`'s value for a time, in the browser's zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

interface Props {
  labels: LabelPair[];
  /** The window in the URL, if any. */
  fromMs?: number;
  toMs?: number;
  onChange(window: { fromMs: number; toMs: number } | null): void;
}

/** The custom window's form and, once chosen, its SLA. */
export function CustomSla({ labels, fromMs, toMs, onChange }: Props) {
  const now = Date.now();
  const [from, setFrom] = useState(localInput(fromMs ?? now - 7 * DAY_MS));
  const [to, setTo] = useState(localInput(toMs ?? now));
  const [problem, setProblem] = useState("");
  // A link's window is held to the form's rule: one that ends before it starts is said so.
  const reversed = fromMs !== undefined && toMs !== undefined && toMs <= fromMs;
  const chosen = fromMs !== undefined && toMs !== undefined && !reversed;
  const q = useQuery({
    queryKey: ["uptime", "custom", JSON.stringify(labels), fromMs, toMs],
    enabled: chosen,
    queryFn: ({ signal }) =>
      uptimeClient.getTarget(
        {
          labels,
          windowsMs: [BigInt(toMs! - fromMs!)],
          timeMs: BigInt(toMs!),
          startMs: BigInt(Math.max(fromMs!, toMs! - MAX_RANGE_MS)),
        },
        { signal },
      ),
    retry: false,
  });
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const f = new Date(from).getTime();
    const t = new Date(to).getTime();
    if (!Number.isFinite(f) || !Number.isFinite(t)) return setProblem("Both times are needed.");
    if (t <= f) return setProblem("The window must end after it starts.");
    setProblem("");
    onChange({ fromMs: f, toMs: t });
  };
  const down = q.data?.downIntervals ?? [];
  return (
    <Paper withBorder p="sm" data-testid="custom-sla">
      <form onSubmit={apply}>
        <Group align="flex-end" gap="xs">
          <TextInput
            type="datetime-local"
            label="SLA from"
            size="xs"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
          />
          <TextInput
            type="datetime-local"
            label="to"
            size="xs"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
          />
          <Button type="submit" size="xs">
            Compute
          </Button>
          {chosen && (
            <Button size="xs" variant="default" onClick={() => onChange(null)}>
              Clear
            </Button>
          )}
          {chosen && q.data && (
            <Group gap="xs" ml="md" data-testid="custom-sla-value">
              <Text size="sm">SLA</Text>
              <SlaText sla={q.data.target?.sla[0]} />
              <Text size="sm" c="dimmed">
                over {humanDuration(toMs! - fromMs!)} · {down.length} down interval
                {down.length === 1 ? "" : "s"}
                {toMs! - fromMs! > MAX_RANGE_MS ? " (in its last 31 days)" : ""}
              </Text>
            </Group>
          )}
        </Group>
      </form>
      {(problem !== "" || reversed) && (
        <Text c="red" size="sm" mt={4} role="alert">
          {problem || "The window must end after it starts."}
        </Text>
      )}
      {q.error && (
        <Alert color="red" mt="xs" title="Cannot compute the SLA">
          {messageOf(q.error)}
        </Alert>
      )}
    </Paper>
  );
}
