/**
 * The SLOs tab: every SLO of ListSLOs with its objective, SLI, error budget left (a bar and a
 * percentage, the API's figure), current burn rates and alert states; and a chart of its burn
 * rates over the chosen range, read from the recording rules' series through QueryService
 * (ListSLOs gives only the current values), with the generated alerts' thresholds drawn.
 */
import {
  Alert,
  Badge,
  Card,
  Group,
  Loader,
  Progress,
  Select,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { SLO } from "../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { alertsClient, messageOf, queryClient } from "../../api/client.ts";
import { stateColor } from "../../lib/alerts.ts";
import {
  alertGroupName,
  budgetOf,
  burnRateQuery,
  percent,
  thresholdsOf,
  windowText,
} from "../../lib/slo.ts";
import { parseDuration, stepFor } from "../../lib/time.ts";
import { BurnRateChart } from "./BurnRateChart.tsx";

const RANGES = ["1h", "6h", "1d", "7d"];

function SloCard({
  slo,
  range,
  rules,
}: {
  slo: SLO;
  range: string;
  rules: Awaited<ReturnType<typeof alertsClient.listRules>> | undefined;
}) {
  const left = slo.errorBudgetRemaining;
  const budget = budgetOf(slo.objective);
  const group = rules?.groups.find((g) => g.name === alertGroupName(slo.id));
  const thresholds = thresholdsOf(group?.rules ?? []);
  const burn = useQuery({
    queryKey: ["sloBurn", slo.id, range],
    queryFn: async ({ signal }) => {
      const endMs = Date.now();
      const rangeMs = parseDuration(range)!;
      const stepMs = stepFor(rangeMs);
      // Whole steps back from now, so that the last point is now: the chart of a new SLO
      // (minutes of series) is not empty for want of a step that reached them.
      const startMs = endMs - Math.ceil(rangeMs / stepMs) * stepMs;
      const res = await queryClient.range(
        {
          query: burnRateQuery(slo.id),
          startMs: BigInt(startMs),
          endMs: BigInt(endMs),
          stepMs: BigInt(stepMs),
        },
        { signal },
      );
      return { startMs, endMs, series: res.result?.series ?? [] };
    },
    refetchInterval: 60_000,
    retry: false,
  });
  const color = left === undefined ? "gray" : left < 0.1 ? "red" : left < 0.5 ? "yellow" : "green";
  return (
    <Card withBorder padding="sm" data-testid="slo" data-id={slo.id}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={5}>{slo.name}</Title>
          <Text size="sm" c="dimmed">
            service {slo.service} · objective {slo.objective} % over{" "}
            {windowText(Number(slo.windowMs))} · SLI{" "}
            {slo.sli === undefined ? "no data" : `${(slo.sli * 100).toFixed(3)} %`}
          </Text>
        </Stack>
        <Group gap={4}>
          {slo.alerts.map((a) => (
            <Badge
              key={a.name + a.severity}
              color={stateColor(a.state)}
              variant="light"
              data-testid="slo-alert"
            >
              {a.severity} {a.state}
            </Badge>
          ))}
        </Group>
      </Group>
      <Group mt="xs" gap="sm" wrap="nowrap">
        <Text size="sm" w={170}>
          Error budget left
        </Text>
        <Progress
          value={left === undefined ? 0 : Math.max(0, Math.min(1, left)) * 100}
          color={color}
          size="lg"
          style={{ flex: 1 }}
          aria-label="Error budget left"
        />
        <Text
          size="sm"
          fw={600}
          w={90}
          ta="right"
          data-testid="slo-budget"
          c={left !== undefined && left < 0 ? "red" : undefined}
        >
          {percent(left)}
        </Text>
      </Group>
      <Text size="xs" c="dimmed" mt={4} data-testid="slo-burn-now">
        Burn rate now:{" "}
        {slo.burnRates
          .map(
            (b) =>
              `${windowText(Number(b.windowMs))} ${b.rate === undefined ? "—" : b.rate.toFixed(2)}`,
          )
          .join(" · ")}
      </Text>
      {burn.error && (
        <Alert color="red" mt="xs" title="Cannot read the burn rates">
          {messageOf(burn.error)}
        </Alert>
      )}
      {burn.isLoading && <Loader size="xs" mt="xs" />}
      {burn.data && burn.data.series.length === 0 && (
        <Text size="sm" c="dimmed" mt="xs">
          No burn-rate series in the last {range} yet.
        </Text>
      )}
      {burn.data && burn.data.series.length > 0 && (
        <BurnRateChart
          series={burn.data.series}
          budget={budget}
          thresholds={thresholds}
          startMs={burn.data.startMs}
          endMs={burn.data.endMs}
        />
      )}
    </Card>
  );
}

/** Every SLO. */
export function Slos() {
  const [range, setRange] = useState("6h");
  const slos = useQuery({
    queryKey: ["slos"],
    queryFn: ({ signal }) => alertsClient.listSLOs({}, { signal }),
    refetchInterval: 30_000,
    retry: false,
  });
  const rules = useQuery({
    queryKey: ["rules", "alert"],
    queryFn: ({ signal }) =>
      alertsClient.listRules({ type: "alert", excludeAlerts: true }, { signal }),
    refetchInterval: 60_000,
    retry: false,
  });
  if (slos.isLoading) return <Loader size="sm" />;
  if (slos.error)
    return (
      <Alert color="red" title="Cannot list the SLOs" data-testid="slos-error">
        {messageOf(slos.error)}
      </Alert>
    );
  const list = slos.data?.slos ?? [];
  if (list.length === 0)
    return (
      <Text c="dimmed" data-testid="slos-empty">
        No SLOs: add Sloth specs with `slo_files` or probe SLOs with `slo_probes` (docs/slo.md).
      </Text>
    );
  return (
    <Stack gap="sm">
      <Select
        label="Burn-rate range"
        w={150}
        data={RANGES.map((r) => ({ value: r, label: `Last ${r}` }))}
        value={range}
        allowDeselect={false}
        onChange={(r) => r && setRange(r)}
      />
      {list.map((s) => (
        <SloCard key={s.id} slo={s} range={range} rules={rules.data} />
      ))}
    </Stack>
  );
}
