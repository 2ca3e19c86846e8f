/** The Uptime page's small parts: a target's state badge, name, SLA cell and certificate cell. */
import { Badge, Stack, Text, Tooltip } from "@mantine/core";
import type { Sla, TargetState } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import type { LabelPair } from "../lib/labels.ts";
import { certExpiry, formatSla, humanDuration, stateName } from "../lib/uptime.ts";
import { useSlaDecimals } from "./SlaDecimals.tsx";

// gray.6 rather than gray: Mantine's filled gray is near the dark theme's background.
const STATE_COLOR = { up: "green", down: "red", unknown: "gray.6" } as const;

/** Up green, down red, unknown grey. */
export function StateBadge({ state }: { state: TargetState }) {
  const name = stateName(state);
  return (
    <Badge color={STATE_COLOR[name]} variant="filled" w={84} data-testid="state">
      {name}
    </Badge>
  );
}

/** The target's `instance` above its `job`, and any other label after them. */
export function TargetName({
  labels,
  heading = false,
}: {
  labels: readonly LabelPair[];
  /** The page's h1 (a target's detail page), larger than in a list row. */
  heading?: boolean;
}) {
  const get = (n: string) => labels.find((l) => l.name === n)?.value ?? "";
  const rest = labels.filter((l) => l.name !== "instance" && l.name !== "job");
  return (
    <Stack gap={0}>
      <Text
        component={heading ? "h1" : "p"}
        size={heading ? "lg" : "sm"}
        fw={heading ? 700 : undefined}
        ff="monospace"
        data-testid="instance"
      >
        {get("instance")}
      </Text>
      <Text size="xs" c="dimmed" data-testid="job">
        {get("job")}
        {rest.map((l) => ` · ${l.name}=${l.value}`).join("")}
      </Text>
    </Stack>
  );
}

/** An SLA as a percentage; the tooltip says how much of the window the data covers when less. */
export function SlaText({ sla }: { sla: Sla | undefined }) {
  const decimals = useSlaDecimals();
  if (sla === undefined) return <Text size="sm">—</Text>;
  const text = (
    <Text size="sm" ff="monospace" data-testid="sla" span>
      {formatSla(sla.ratio, decimals)}
    </Text>
  );
  if (sla.coveredMs >= sla.windowMs) return text;
  const label = `Over ${humanDuration(Number(sla.coveredMs))} of data (${sla.samples} probes): probing began inside this window`;
  return (
    <Tooltip label={label} withArrow>
      <Text size="sm" ff="monospace" data-testid="sla" span td="underline dotted">
        {formatSla(sla.ratio, decimals)}
      </Text>
    </Tooltip>
  );
}

/** Days until the certificate expires, amber under 14 and red under 3; "—" without TLS. */
export function CertText({ expiryMs, nowMs }: { expiryMs: bigint; nowMs: number }) {
  const cert = certExpiry(Number(expiryMs), nowMs);
  if (cert === undefined)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Tooltip label={new Date(Number(expiryMs)).toLocaleString()} withArrow>
      <Text size="sm" c={cert.color} fw={cert.color ? 600 : undefined} data-testid="cert" span>
        {cert.text}
      </Text>
    </Tooltip>
  );
}
