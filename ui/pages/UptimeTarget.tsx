/**
 * One probe target (UptimeService.GetTarget): its state, SLA over 24 h, 7 d, 30 d, 90 d and
 * 1 y, its response time over the chosen range (uPlot, Explore's Graph) and its down intervals.
 * The range is in the URL beside the target (`&range=1h`).
 */
import { create } from "@bufbuild/protobuf";
import {
  Alert,
  Anchor,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useMemo } from "react";
import { SeriesSchema } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import type { GetTargetResponse } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { messageOf, uptimeClient } from "../api/client.ts";
import { CustomSla } from "../components/CustomSla.tsx";
import { Graph } from "../components/Graph.tsx";
import { SlaDecimalsPicker } from "../components/SlaDecimals.tsx";
import { CertText, SlaText, StateBadge, TargetName } from "../components/UptimeBits.tsx";
import type { LabelPair } from "../lib/labels.ts";
import { navigate, useLocation } from "../lib/router.ts";
import { parseDuration } from "../lib/time.ts";
import {
  ago,
  DETAIL_WINDOWS_MS,
  formatSeconds,
  humanDuration,
  windowName,
  writeTarget,
} from "../lib/uptime.ts";

/** The ranges offered for the graph and the down intervals (GetTarget allows up to 31 days). */
const RANGES = ["15m", "1h", "6h", "24h", "7d", "30d"];

/** The detail of the target with these labels. */
export function UptimeTarget({ labels }: { labels: LabelPair[] }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const range = RANGES.includes(params.get("range") ?? "") ? params.get("range")! : "24h";
  const rangeMs = parseDuration(range)!;
  const key = writeTarget(labels);
  const detail = useQuery({
    queryKey: ["uptime", "target", key, range],
    queryFn: ({ signal }) => {
      const now = Date.now();
      return uptimeClient.getTarget(
        {
          labels,
          windowsMs: DETAIL_WINDOWS_MS.map(BigInt),
          timeMs: BigInt(now),
          startMs: BigInt(now - rangeMs),
        },
        { signal },
      );
    },
    refetchInterval: 30_000,
    retry: false,
  });
  const num = (name: string) => {
    const v = Number(params.get(name) ?? Number.NaN);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const [fromMs, toMs] = [num("from"), num("to")];
  const url = (r: string, w?: { fromMs: number; toMs: number } | null) =>
    `/uptime?target=${encodeURIComponent(key)}&range=${r}${w ? `&from=${w.fromMs}&to=${w.toMs}` : ""}`;
  const custom = fromMs !== undefined && toMs !== undefined ? { fromMs, toMs } : null;
  const setRange = (r: string) => navigate(url(r, custom), true);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Anchor
          href="/uptime"
          size="sm"
          onClick={(e) => {
            e.preventDefault();
            navigate("/uptime");
          }}
        >
          ← All targets
        </Anchor>
        <Group gap="xs">
          {detail.isFetching && <Loader size="xs" />}
          <SlaDecimalsPicker />
          <SegmentedControl size="xs" data={RANGES} value={range} onChange={setRange} />
        </Group>
      </Group>
      {detail.isLoading && <Loader size="sm" />}
      {detail.error && (
        <Alert color="red" title="Cannot show this target" data-testid="uptime-error">
          {messageOf(detail.error)}
        </Alert>
      )}
      {detail.data && (
        <Detail data={detail.data} rangeMs={rangeMs} range={range}>
          <CustomSla
            labels={labels}
            fromMs={fromMs}
            toMs={toMs}
            onChange={(w) => navigate(url(range, w), true)}
          />
        </Detail>
      )}
    </Stack>
  );
}

function Detail({
  data,
  rangeMs,
  range,
  children,
}: {
  data: GetTargetResponse;
  rangeMs: number;
  range: string;
  /** Shown under the SLAs: the custom window. */
  children: ReactNode;
}) {
  const t = data.target!;
  const nowMs = Number(data.timeMs);
  const series = useMemo(
    () => [
      create(SeriesSchema, {
        labels: [...t.labels.map((l) => ({ name: l.name, value: l.value }))],
        timestampsMs: data.responseSeconds.map((p) => p.timeMs),
        // In ms: uPlot's ticks over sub-second values in seconds repeat (0.001, 0.001, …).
        values: data.responseSeconds.map((p) => p.value * 1000),
      }),
    ],
    [data, t.labels],
  );
  return (
    <>
      <Group gap="md" align="center">
        <StateBadge state={t.state} />
        <TargetName labels={t.labels} heading />
      </Group>
      <Text size="sm" c="dimmed">
        Last check {ago(Number(t.lastCheckMs), nowMs)} · response{" "}
        {formatSeconds(t.lastDurationSeconds)}
        {t.httpStatusCode !== 0 && ` · HTTP ${t.httpStatusCode}`}
        {t.certExpiryMs !== 0n && (
          <>
            {" · certificate expires in "}
            <CertText expiryMs={t.certExpiryMs} nowMs={nowMs} />
          </>
        )}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid="detail-sla">
        {DETAIL_WINDOWS_MS.map((w, i) => (
          <Paper key={w} withBorder p="sm">
            <Text size="xs" c="dimmed">
              SLA {windowName(w)}
            </Text>
            <SlaText sla={t.sla[i]} />
          </Paper>
        ))}
      </SimpleGrid>
      {children}
      <Title order={5}>Response time (ms, probe_duration_seconds), last {range}</Title>
      {data.responseSeconds.length === 0 ? (
        <Text c="dimmed">No probe_duration_seconds sample in this range.</Text>
      ) : (
        // Zooming into a part of the range is not offered: the range picker above chooses it.
        <Graph series={series} startMs={nowMs - rangeMs} endMs={nowMs} onZoom={() => {}} />
      )}
      <Title order={5}>Down intervals, last {range}</Title>
      <DownIntervals data={data} />
    </>
  );
}

function DownIntervals({ data }: { data: GetTargetResponse }) {
  if (data.downIntervals.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="no-down">
        No failed probe in this range.
      </Text>
    );
  }
  const rows = [...data.downIntervals].reverse(); // newest first
  return (
    <Table data-testid="down-intervals" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Start</Table.Th>
          <Table.Th>End</Table.Th>
          <Table.Th ta="right">Duration</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((d) => (
          <Table.Tr
            key={String(d.startMs)}
            data-start-ms={String(d.startMs)}
            data-end-ms={String(d.endMs)}
          >
            <Table.Td>{new Date(Number(d.startMs)).toLocaleString()}</Table.Td>
            <Table.Td>
              {d.ongoing ? (
                <Text c="red" fw={600} size="sm" span>
                  ongoing
                </Text>
              ) : (
                new Date(Number(d.endMs)).toLocaleString()
              )}
            </Table.Td>
            <Table.Td ta="right" ff="monospace">
              {humanDuration(Number(d.durationMs))}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
