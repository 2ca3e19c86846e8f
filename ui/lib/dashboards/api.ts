/**
 * The dashboard page's calls to the server: QueryService and LogsService behind the small
 * interfaces the variable resolver and the panel queries use, and alert history as annotations.
 */

import { Direction } from "../../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { alertsClient, logsClient, binaryQueryClient as queryClient } from "../../api/client.ts";
import type { PanelQueryApi } from "./queries.ts";
import { InFlight } from "./share.ts";
import type { Annotation } from "./types.ts";
import type { VariableSource } from "./variable_query.ts";

const NS_PER_MS = 1_000_000n;
const toObject = (labels: { name: string; value: string }[]) =>
  Object.fromEntries(labels.map((l) => [l.name, l.value]));
const selection = (match: string | undefined, range: { from: number; to: number }) => ({
  matchers: match ? [match] : [],
  startMs: BigInt(range.from),
  endMs: BigInt(range.to),
  limit: 0,
});

/** Variable queries through QueryService. */
export const variableSource: VariableSource = {
  async labelNames(match, range) {
    return (await queryClient.labelNames({ selection: selection(match, range) })).names;
  },
  async labelValues(label, match, range) {
    return (await queryClient.labelValues({ name: label, selection: selection(match, range) }))
      .values;
  },
  async series(match, range) {
    return (await queryClient.series({ selection: selection(match, range) })).series.map((s) =>
      toObject(s.labels),
    );
  },
  async instant(expr, timeMs) {
    const res = await queryClient.instant({ query: expr, timeMs: BigInt(timeMs) });
    const v = res.result?.value;
    if (v?.case === "vector")
      return v.value.samples.map((s) => ({
        labels: toObject(s.labels),
        value: s.value,
        timeMs: Number(s.timeMs),
      }));
    if (v?.case === "scalar")
      return [{ labels: {}, value: v.value.value, timeMs: Number(v.value.timeMs) }];
    return [];
  },
};

/** Panel queries in flight, shared by identical ones (`enabled = false` sends each alone). */
export const panelCalls = new InFlight();

/** Panel queries through QueryService (PromQL) and LogsService (LogQL). */
export const panelApi: PanelQueryApi = {
  async range(q, startMs, endMs, stepMs, signal) {
    const res = await panelCalls.run(`range\n${q}\n${startMs}\n${endMs}\n${stepMs}`, signal, (s) =>
      queryClient.range(
        { query: q, startMs: BigInt(startMs), endMs: BigInt(endMs), stepMs: BigInt(stepMs) },
        { signal: s },
      ),
    );
    return (res.result?.series ?? []).map((s) => ({
      labels: s.labels,
      times: s.timestampsMs.map(Number),
      values: s.values,
    }));
  },
  async instant(q, timeMs, signal) {
    const res = await panelCalls.run(`instant\n${q}\n${timeMs}`, signal, (s) =>
      queryClient.instant({ query: q, timeMs: BigInt(timeMs) }, { signal: s }),
    );
    const v = res.result?.value;
    if (v?.case === "vector")
      return v.value.samples.map((s) => ({
        labels: s.labels,
        time: Number(s.timeMs),
        value: s.value,
      }));
    if (v?.case === "scalar")
      return [{ labels: [], time: Number(v.value.timeMs), value: v.value.value }];
    if (v?.case === "matrix") {
      return v.value.series.map((s) => ({
        labels: s.labels,
        time: Number(s.timestampsMs.at(-1) ?? 0),
        value: s.values.at(-1) ?? Number.NaN,
      }));
    }
    return [];
  },
  async logs(q, startMs, endMs, stepMs, limit, signal) {
    const range = {
      startNs: BigInt(startMs) * NS_PER_MS,
      endNs: BigInt(endMs) * NS_PER_MS,
      stepNs: BigInt(stepMs) * NS_PER_MS,
    };
    const res = await logsClient.query(
      { query: q, at: { case: "range", value: range }, limit, direction: Direction.BACKWARD },
      { signal },
    );
    const r = res.result;
    if (r.case === "streams") {
      return {
        kind: "streams",
        streams: r.value.streams.map((s) => ({
          labels: s.labels,
          entries: s.entries.map((e) => ({ timeNs: String(e.timeNs), line: e.line })),
        })),
      };
    }
    if (r.case === "matrix") {
      return {
        kind: "series",
        series: r.value.series.map((s) => ({
          labels: s.labels,
          times: s.timestampsMs.map(Number),
          values: s.values,
        })),
      };
    }
    if (r.case === "vector") {
      return {
        kind: "series",
        series: r.value.samples.map((s) => ({
          labels: s.labels,
          times: [Number(s.timeMs)],
          values: [s.value],
        })),
      };
    }
    return { kind: "series", series: [] };
  },
};

const STATE_COLORS: Record<string, string> = {
  firing: "red",
  pending: "orange",
  resolved: "green",
};

/** Alert state changes over the range, as Grafana's built-in "Annotations & Alerts" shows them. */
export async function alertAnnotations(
  range: { from: number; to: number },
  limit = 100,
): Promise<Annotation[]> {
  const res = await alertsClient.listHistory({
    startMs: BigInt(range.from),
    endMs: BigInt(range.to),
    kind: "state",
    limit,
  });
  const out: Annotation[] = [];
  for (const r of res.records) {
    if (r.record.case !== "state") continue;
    const s = r.record.value;
    out.push({
      time: Number(r.timeMs),
      text: `${s.alertname} ${s.state}`,
      color: STATE_COLORS[s.state] ?? "blue",
    });
  }
  return out;
}
