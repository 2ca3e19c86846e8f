/**
 * The PromQL benchmark's queries over generated data (../shared/bench/gen_openmetrics.py),
 * shared by the benchmarks that send them: promql_vs_prometheus.ts times them against
 * Prometheus, cache_memory.ts runs them to see what the query cache holds afterwards.
 */

/** One benchmark query. */
export interface Query {
  short: string;
  expr: string;
  range: boolean;
}

/** Where and when the queries run (Unix seconds); `at` is the instant of instant queries. */
export interface Window {
  start: number;
  end: number;
  at: number;
}

/** The step of range queries, seconds. */
export const STEP_S = 60;

/** Unix seconds of the file's first sample (every series has the same timestamps). */
export async function firstTimestamp(file: string): Promise<number> {
  const head = await Bun.file(file)
    .slice(0, 1 << 16)
    .text();
  const line = head.split("\n").find((l) => l !== "" && !l.startsWith("#"));
  if (!line) throw new Error(`Cannot read the first sample of ${file}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

/**
 * The window of data starting at `first` (Unix seconds) over `hours`: range queries cover the
 * day at a 60 s step from 5 min after its first sample (1,435 steps), 7 s past a whole minute,
 * so no sample (every 15 s on the minute) sits on a window edge, where Prometheus 2
 * (left-closed windows) and 3 (left-open) differ.
 */
export function windowOf(first: number, hours: number): Window {
  return {
    // No window reaches before the first sample: there Prometheus 2.42 and 3 extrapolate
    // rate() differently (2.42 checks the counter's zero point before the 1.1-interval rule).
    start: first + 300 + 7,
    end: first + Math.min(24, hours) * 3600 - STEP_S + 7,
    at: first + Math.floor((hours * 3600 * 0.75) / STEP_S) * STEP_S + 7,
  };
}

/** The queries; `series` is the one-series query's selector. */
export function queries(series: string): Query[] {
  const rate = "rate(http_requests_total[5m])";
  const buckets = "rate(http_request_duration_seconds_bucket[5m])";
  return [
    { short: "sum_rate", expr: `sum(${rate})`, range: true },
    {
      short: "histogram_quantile",
      expr: `histogram_quantile(0.99, sum by (le) (${buckets}))`,
      range: true,
    },
    { short: "one_series", expr: series, range: true },
    { short: "sum_by_job_status", expr: `sum by (job, status) (${rate})`, range: true },
    { short: "topk_instant", expr: `topk(10, ${rate})`, range: false },
    { short: "count_all_instant", expr: 'count({__name__=~".+"})', range: false },
    ...issue24Queries(),
    ...RANGE_FUNCTION_QUERIES,
  ];
}

/**
 * Issue 24's shapes over 24 h: the slow ones it names, and a mix like Node Exporter Full's
 * panels (plain gauges, irate, arithmetic between selectors, `*_over_time`, `100 * (1 - x / y)`)
 * over the generator's node and process metrics, for every host at once.
 */
export function issue24Queries(): Query[] {
  const rate = (m: string) => `sum by (job) (rate(http_requests_total${m}[5m]))`;
  const range = true;
  return [
    {
      short: "max_by_max_over_time",
      expr: "max by (job) (max_over_time(http_requests_in_flight[10m]))",
      range,
    },
    { short: "count_by_counter", expr: "count by (status) (http_requests_total)", range },
    { short: "rate_ratio", expr: `${rate('{status=~"4..|5.."}')} / ${rate("")}`, range },
    { short: "sum_increase_1h", expr: "sum(increase(http_requests_total[1h]))", range },
    { short: "sum_by_gauge", expr: "sum by (job) (http_requests_in_flight)", range },
    { short: "ne_gauge", expr: "node_load1", range },
    {
      short: "ne_irate",
      expr: 'irate(node_network_receive_bytes_total{device!="lo"}[5m]) * 8',
      range,
    },
    {
      short: "ne_minus",
      expr: 'node_network_receive_bytes_total{device="eth0"} - ignoring(device) node_network_receive_bytes_total{device="lo"}',
      range,
    },
    {
      short: "ne_percent",
      expr: "100 * (1 - go_goroutines / (process_resident_memory_bytes / 1e6))",
      range,
    },
    { short: "ne_over_time", expr: "avg_over_time(node_load1[5m])", range },
    {
      short: "ne_group_left",
      expr: "go_goroutines * on (job, instance) group_left () process_cpu_seconds_total",
      range,
    },
  ];
}

/**
 * Range functions other than rate() (issue 24: every range function through the sliding
 * path), over the generated gauges and counters, grouped as dashboards group them.
 */
// `max by (max_over_time)` and `sum(increase[1h])` are in issue24Queries() above.
const RANGE_FUNCTION_QUERIES: Query[] = [
  {
    short: "avg_by_avg_over_time",
    expr: "avg by (job) (avg_over_time(http_requests_in_flight[5m]))",
  },
  { short: "sum_by_irate", expr: "sum by (job) (irate(http_requests_total[5m]))" },
  {
    short: "max_by_quantile_over_time",
    expr: "max by (job) (quantile_over_time(0.9, go_goroutines[10m]))",
  },
  { short: "sum_by_changes", expr: "sum by (job) (changes(go_goroutines[10m]))" },
  { short: "avg_stddev_over_time", expr: "avg(stddev_over_time(node_load1[10m]))" },
  {
    short: "predict_linear",
    expr: "predict_linear(process_resident_memory_bytes[1h], 3600)",
  },
].map((q) => ({ ...q, range: true }));

/** The API path and parameters of `q` over `w`. */
export function request(base: string, q: Query, w: Window): string {
  const p = new URLSearchParams({ query: q.expr });
  if (q.range) {
    p.set("start", String(w.start));
    p.set("end", String(w.end));
    p.set("step", String(STEP_S));
  } else p.set("time", String(w.at));
  return `${base}/api/v1/${q.range ? "query_range" : "query"}?${p}`;
}

/** The first `http_requests_total` series `server` lists in `w`, as a selector. */
export async function oneSeries(server: string, w: Window): Promise<string> {
  const p = new URLSearchParams({ "match[]": "http_requests_total" });
  p.set("start", String(w.start));
  p.set("end", String(w.end));
  const res = await fetch(`${server}/api/v1/series?${p}`);
  const { data } = (await res.json()) as { data: Record<string, string>[] };
  if (!data?.length)
    throw new Error(`Cannot pick a series: ${server} lists no http_requests_total`);
  const { __name__, ...labels } = data[0];
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${__name__}{${matchers.join(",")}}`;
}
