/**
 * The home page's cards, each over its own call so they load in parallel: firing alerts
 * (AlertsService.ListAlerts), probes down (UptimeService.ListTargets), agents silent and the
 * ingest and storage figures (QueryService.Instant over the self-metrics, lib/home.ts).
 */
import { Badge, Group, List, SimpleGrid, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { TargetState } from "../../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { alertsClient, queryClient, uptimeClient } from "../../api/client.ts";
import {
  AGENTS_QUERY,
  agentsSeen,
  countBySeverity,
  countOf,
  FIGURES,
  formatFigure,
  SETTLE_MS,
  severityColor,
  severityRank,
} from "../../lib/home.ts";
import { ago, DAY_MS, writeTarget } from "../../lib/uptime.ts";
import { HomeCard, PageLink } from "./HomeCard.tsx";

const REFRESH_MS = 30_000;
const TOP = 5;

/** Firing alerts: counts by severity and the most urgent few. */
export function AlertsCard() {
  const q = useQuery({
    queryKey: ["home", "alerts"],
    queryFn: ({ signal }) =>
      alertsClient.listAlerts({ filter: { silenced: false, inhibited: false } }, { signal }),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  const alerts = q.data?.alerts ?? [];
  const sev = (a: (typeof alerts)[number]) =>
    a.labels.find((l) => l.name === "severity")?.value ?? "";
  const top = [...alerts]
    .sort(
      (a, b) => severityRank(sev(a)) - severityRank(sev(b)) || Number(a.startsAtMs - b.startsAtMs),
    )
    .slice(0, TOP);
  return (
    <HomeCard title="Firing alerts" href="/alerts" {...state(q)} testId="home-alerts">
      <Text fz={32} fw={700} data-testid="home-alerts-count">
        {alerts.length}
      </Text>
      <Group gap={6} mb="xs">
        {countBySeverity(alerts).map(([s, n]) => (
          <Badge key={s} color={severityColor(s)} variant="light" data-testid="home-severity">
            {s || "no severity"}: {n}
          </Badge>
        ))}
      </Group>
      {alerts.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing is firing.
        </Text>
      ) : (
        <List size="sm" spacing={2}>
          {top.map((a) => {
            const name = a.labels.find((l) => l.name === "alertname")?.value ?? a.fingerprint;
            return (
              <List.Item key={a.fingerprint} data-testid="home-alert">
                <PageLink href="/alerts">{name}</PageLink>{" "}
                <Text span size="xs" c="dimmed">
                  {sev(a)} · for {ago(Number(a.startsAtMs), Date.now()).replace(" ago", "")}
                </Text>
              </List.Item>
            );
          })}
        </List>
      )}
    </HomeCard>
  );
}

/** Probe targets down (and unknown), each linking to its uptime detail. */
export function ProbesCard() {
  const q = useQuery({
    queryKey: ["home", "probes"],
    queryFn: ({ signal }) => uptimeClient.listTargets({ windowsMs: [BigInt(DAY_MS)] }, { signal }),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  const targets = q.data?.targets ?? [];
  const down = targets.filter((t) => t.state === TargetState.DOWN);
  const unknown = targets.filter((t) => t.state === TargetState.UNKNOWN).length;
  return (
    <HomeCard title="Probes down" href="/uptime" {...state(q)} testId="home-probes">
      <Text fz={32} fw={700} c={down.length > 0 ? "red" : undefined} data-testid="home-down-count">
        {down.length}
      </Text>
      <Text size="sm" c="dimmed" mb="xs">
        {q.isSuccess && targets.length === 0
          ? "No probe targets yet: an agent's probes section adds them (docs/host-and-probes.md)."
          : `of ${countOf(targets.length, "target")}${unknown > 0 ? ` · ${unknown} not reporting` : ""}`}
      </Text>
      <List size="sm" spacing={2}>
        {down.slice(0, TOP).map((t) => {
          const key = writeTarget(t.labels);
          const instance = t.labels.find((l) => l.name === "instance")?.value ?? key;
          return (
            <List.Item key={key} data-testid="home-down">
              <PageLink href={`/uptime?target=${encodeURIComponent(key)}`}>{instance}</PageLink>
            </List.Item>
          );
        })}
      </List>
    </HomeCard>
  );
}

/** Agents whose own `up` stopped arriving. */
export function AgentsCard() {
  const q = useQuery({
    queryKey: ["home", "agents"],
    queryFn: ({ signal }) => queryClient.instant({ query: AGENTS_QUERY }, { signal }),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  const v = q.data?.result?.value;
  const agents = agentsSeen(v?.case === "vector" ? v.value.samples : [], Date.now());
  const silent = agents.filter((a) => a.silent);
  const href = `/explore?q=${encodeURIComponent(AGENTS_QUERY)}&tab=table`;
  return (
    <HomeCard title="Agents silent" href={href} {...state(q)} testId="home-agents">
      <Text fz={32} fw={700} c={silent.length > 0 ? "red" : undefined} data-testid="home-silent">
        {silent.length}
      </Text>
      <Text size="sm" c="dimmed" mb="xs">
        of {countOf(agents.length, "agent")} seen in 24 h (no sample for 5 minutes is silent)
      </Text>
      <List size="sm" spacing={2}>
        {silent.slice(0, TOP).map((a) => (
          <List.Item key={a.instance} data-testid="home-silent-agent">
            <Text span ff="monospace" size="sm">
              {a.instance}
            </Text>{" "}
            <Text span size="xs" c="dimmed">
              last seen {ago(a.lastMs, Date.now())}
            </Text>
          </List.Item>
        ))}
      </List>
    </HomeCard>
  );
}

/** Ingest and storage: one figure per self-metrics query, each linking to it in Explore. */
export function FiguresCard() {
  const q = useQuery({
    queryKey: ["home", "figures"],
    queryFn: async ({ signal }) => {
      // One evaluation time for all four, so they describe the same moment, once settled.
      const timeMs = BigInt(Date.now() - SETTLE_MS);
      const answers = await Promise.all(
        FIGURES.map((f) => queryClient.instant({ query: f.query, timeMs }, { signal })),
      );
      return { timeMs, answers };
    },
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  return (
    <HomeCard title="Ingest and storage" href="/explore" {...state(q)} testId="home-figures">
      <SimpleGrid cols={2} spacing="xs">
        {FIGURES.map((f, i) => {
          const v = q.data?.answers[i].result?.value;
          const value = v?.case === "vector" ? v.value.samples[0]?.value : undefined;
          return (
            <Stack
              key={f.key}
              gap={0}
              data-testid={`home-figure-${f.key}`}
              data-time-ms={String(q.data?.timeMs ?? "")}
            >
              <Text size="xs" c="dimmed">
                <PageLink href={`/explore?q=${encodeURIComponent(f.query)}`}>{f.label}</PageLink>
              </Text>
              <Text fw={700} size="lg" data-value={value ?? ""}>
                {formatFigure(value, f.unit)}
              </Text>
            </Stack>
          );
        })}
      </SimpleGrid>
    </HomeCard>
  );
}

function state(q: { isLoading: boolean; error: unknown }) {
  return { loading: q.isLoading, error: q.error };
}
