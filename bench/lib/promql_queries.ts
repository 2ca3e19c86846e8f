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

/** The six queries; `series` is the one-series query's selector. */
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
  ];
}

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
