/**
 * The rule benchmark's workload, the same for Prometheus and Outpost: an exporter of 10,000
 * series (1,000 metric names × 10 pods, every other name a counter, the rest gauges) whose
 * values follow the clock, and one rule file of 1,000 recording and 1,000 alerting rules over
 * them. Which series are over their threshold is fixed (one pod in ten of every metric), so
 * both sides must end with the same alerts firing.
 */

/** Metric names; each has {@link PODS} series. */
export const METRICS = 1_000;
/** Series per metric name. */
export const PODS = 10;
/** Groups the rules are spread over, each holding as many recording as alerting rules. */
export const GROUPS = 20;
/** Seconds an alert stays pending before it fires. */
export const FOR_SECONDS = 30;

const ZONES = 3;
const COUNTER_FAST = 10; // per second, over the rule's threshold of 5
const GAUGE_HIGH = 90; // over the threshold of 80, ±5

/** Whether series `pod` of metric `m` is over its alert's threshold. */
export function isHot(m: number, pod: number): boolean {
  return (m + pod) % PODS === 0;
}

/** Alerts firing once every pending alert held for `for`: one per hot series. */
export function expectedFiring(): number {
  let n = 0;
  for (let m = 0; m < METRICS; m++) for (let p = 0; p < PODS; p++) if (isHot(m, p)) n++;
  return n;
}

const isCounter = (m: number) => m % 2 === 0;
const metricName = (m: number) => (isCounter(m) ? `bench_c${m}_total` : `bench_g${m}`);

/** One series of the workload at one time. */
export interface WorkloadSample {
  readonly name: string;
  readonly labels: { readonly pod: string; readonly zone: string };
  readonly value: number;
}

/** Every series' value at `nowMs`; counters count from `startMs`. */
export function workloadSamples(nowMs: number, startMs: number): WorkloadSample[] {
  const t = (nowMs - startMs) / 1000;
  const out: WorkloadSample[] = [];
  for (let m = 0; m < METRICS; m++) {
    const name = metricName(m);
    for (let p = 0; p < PODS; p++) {
      const hot = isHot(m, p);
      const value = isCounter(m)
        ? (hot ? COUNTER_FAST : 1 + p / 100) * t
        : (hot ? GAUGE_HIGH : 50) + 5 * Math.sin(t / 60 + p);
      out.push({ name, labels: { pod: `p${p}`, zone: `z${p % ZONES}` }, value });
    }
  }
  return out;
}

/** The exposition text at `nowMs`; counters count from `startMs`. */
export function exposition(nowMs: number, startMs: number): string {
  const lines: string[] = [];
  let last = "";
  for (const s of workloadSamples(nowMs, startMs)) {
    if (s.name !== last) {
      const counter = s.name.endsWith("_total");
      lines.push(`# TYPE ${s.name} ${counter ? "counter" : "gauge"}`);
      last = s.name;
    }
    lines.push(`${s.name}{pod="${s.labels.pod}",zone="${s.labels.zone}"} ${s.value}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The exporter: serves {@link exposition} at any path of a free port on 127.0.0.1. */
export function startWorkloadExporter(): { address: string; stop: () => void } {
  const startMs = Date.now();
  const headers = { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(exposition(Date.now(), startMs), { headers }),
  });
  return { address: `127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/** One rule of each kind over metric `m`, as YAML list items indented for a group. */
function rulesFor(m: number): string {
  const name = metricName(m);
  const record = isCounter(m) ? `sum by (zone) (rate(${name}[5m]))` : `avg by (zone) (${name})`;
  // A 1 m window: rate() over a 5 m window holding less than 5 m of data is well under the
  // counter's speed (Prometheus 2 extrapolates at most half an interval past the samples).
  const alert = isCounter(m) ? `rate(${name}[1m]) > 5` : `${name} > 80`;
  return `      - record: zone:${name}:bench
        expr: ${record}
      - alert: BenchHigh${m}
        expr: ${alert}
        for: ${FOR_SECONDS}s
        labels:
          severity: warning
          team: "team-{{ $labels.zone }}"
        annotations:
          summary: "{{ $labels.pod }} in {{ $labels.zone }} is at {{ $value | humanize }}"
          description: "Pod {{ $labels.pod }} of job {{ $labels.job }} is over its threshold."
`;
}

/** The rule file: {@link GROUPS} groups at `interval`, the rules of 1,000 metrics spread over them. */
export function ruleFile(interval = "15s"): string {
  const per = METRICS / GROUPS;
  let text = "groups:\n";
  for (let g = 0; g < GROUPS; g++) {
    text += `  - name: bench-${g}\n    interval: ${interval}\n    rules:\n`;
    for (let m = g * per; m < (g + 1) * per; m++) text += rulesFor(m);
  }
  return text;
}

/** A rule file without groups: what both sides load for the baseline. */
export const NO_RULES = "groups: []\n";
