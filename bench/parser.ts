/**
 * Throughput of the exposition parser (shared/exposition) on one core.
 *
 *   bun bench/parser.ts
 *
 * Prints `name value unit` lines. "cold" parses into a fresh series cache every iteration
 * (every series costs a full label parse); "cached" re-parses the same body into a warm cache
 * (beginScrape → parse → sweep), which is the steady state of a scrape loop. Each figure is the
 * median over many iterations. The 10k-series bodies are generated here, deterministically, with
 * the series mix of ../shared/bench/gen_openmetrics.py (counters, gauges, classic histograms).
 */

import { SeriesCache } from "../shared/exposition/cache.ts";
import {
  type ExpositionFormat,
  type ExpositionHandler,
  parseExposition,
} from "../shared/exposition/parse.ts";
import { random } from "../test/harness/random.ts";

const FIXTURE = new URL("../../shared/fixtures/node_exporter_sample.txt", import.meta.url);
const MIN_ITERATIONS = 30;
const MIN_SECONDS = 1.5;

/** A handler that touches every sample the way a scrape loop would, so nothing is optimised away. */
class CountingHandler implements ExpositionHandler {
  samples = 0;
  sum = 0;
  metadataLines = 0;
  sample(_entry: unknown, value: number, timestampMs: number): void {
    this.samples++;
    if (!Number.isNaN(value)) this.sum += value;
    if (!Number.isNaN(timestampMs)) this.sum += 1;
  }
  metadata(): void {
    this.metadataLines++;
  }
}

/** Median samples/s over repeated parses of `body`. */
function measure(body: Uint8Array, format: ExpositionFormat, cached: boolean): number {
  const handler = new CountingHandler();
  let cache = new SeriesCache();
  const once = () => {
    if (!cached) cache = new SeriesCache();
    cache.beginScrape();
    const stats = parseExposition(body, format, cache, handler);
    cache.sweep(() => {});
    return stats.samples;
  };
  for (let k = 0; k < 5; k++) once(); // warm the JIT (and the cache)
  const rates: number[] = [];
  const deadline = performance.now() + MIN_SECONDS * 1000;
  while (rates.length < MIN_ITERATIONS || performance.now() < deadline) {
    const t0 = Bun.nanoseconds();
    const samples = once();
    rates.push(samples / ((Bun.nanoseconds() - t0) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1];
}

const JOBS = ["api-gateway", "checkout", "auth", "search", "catalog", "billing", "inventory"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];
const STATUSES = ["200", "201", "204", "304", "400", "401", "403", "404", "429", "500", "503"];
const PATHS = [
  "/api/v1/products",
  "/api/v1/products/:id",
  "/api/v1/search",
  "/api/v1/cart",
  "/api/v1/cart/items",
  "/api/v1/users/:id",
  "/api/v1/login",
  "/api/v1/orders",
  "/api/v1/orders/:id",
  "/api/v1/checkout",
  "/api/v1/payments",
  "/api/v1/recommendations",
  "/static/*",
  "/healthz",
];
const BUCKETS = [
  "0.005",
  "0.01",
  "0.025",
  "0.05",
  "0.1",
  "0.25",
  "0.5",
  "1.0",
  "2.5",
  "5.0",
  "10.0",
];

/**
 * A realistic 10,000-series exposition: ~70 % counters with five labels, ~25 % gauges with
 * four, ~5 % classic histograms (14 series each). OpenMetrics output carries timestamps in
 * seconds and ends with `# EOF`, like gen_openmetrics.py.
 */
function generate(series: number, format: ExpositionFormat): Uint8Array {
  const rand = random(1);
  const om = format === "openmetrics";
  const ts = om ? " 1704067200" : "";
  const hosts = Math.max(1, Math.floor(series / 100));
  const instance = (h: number) => `10.1.${Math.floor(h / 250)}.${(h % 250) + 4}:8080`;
  const base = (h: number, k: number) =>
    `job="${JOBS[h % JOBS.length]}",instance="${instance(h)}",method="${METHODS[k % METHODS.length]}",path="${PATHS[Math.floor(k / METHODS.length) % PATHS.length]}"`;
  const lines: string[] = [];
  const histograms = Math.round((0.05 * series) / 14);
  const gauges = Math.round(0.25 * series);
  const counters = series - gauges - histograms * 14;
  lines.push("# HELP http_requests_total Total HTTP requests processed.");
  lines.push("# TYPE http_requests_total counter");
  for (let j = 0; j < counters; j++) {
    const h = j % hosts;
    const k = Math.floor(j / hosts);
    const status = STATUSES[Math.floor(k / (METHODS.length * PATHS.length)) % STATUSES.length];
    const v = Math.floor(rand() * 10 ** (2 + Math.floor(rand() * 7)));
    lines.push(`http_requests_total{${base(h, k)},status="${status}"} ${v}${ts}`);
  }
  lines.push("# HELP http_requests_in_flight Current number of HTTP requests being served.");
  lines.push("# TYPE http_requests_in_flight gauge");
  for (let j = 0; j < gauges; j++) {
    const v = rand() < 0.5 ? String(Math.floor(rand() * 40)) : (rand() * 100).toFixed(2);
    lines.push(`http_requests_in_flight{${base(j % hosts, Math.floor(j / hosts))}} ${v}${ts}`);
  }
  lines.push("# HELP http_request_duration_seconds HTTP request latency in seconds.");
  lines.push("# TYPE http_request_duration_seconds histogram");
  for (let j = 0; j < histograms; j++) {
    const labels = base(j % hosts, Math.floor(j / hosts));
    let count = Math.floor(rand() * 1000);
    for (const le of BUCKETS) {
      lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${count}${ts}`);
      count += Math.floor(rand() * 500);
    }
    lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${count}${ts}`);
    lines.push(`http_request_duration_seconds_count{${labels}} ${count}${ts}`);
    lines.push(`http_request_duration_seconds_sum{${labels}} ${String(count * rand())}${ts}`);
  }
  if (om) lines.push("# EOF");
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

const node = new Uint8Array(await Bun.file(FIXTURE).arrayBuffer());
const text10k = generate(10_000, "text");
const om10k = generate(10_000, "openmetrics");
const figures: [string, Uint8Array, ExpositionFormat, boolean][] = [
  ["parser_node_exporter_cold", node, "text", false],
  ["parser_node_exporter_cached", node, "text", true],
  ["parser_10k_series_cold", text10k, "text", false],
  ["parser_10k_series_cached", text10k, "text", true],
  ["parser_10k_series_openmetrics_cold", om10k, "openmetrics", false],
  ["parser_10k_series_openmetrics_cached", om10k, "openmetrics", true],
];
for (const [name, body, format, cached] of figures) {
  console.log(`${name} ${Math.round(measure(body, format, cached))} samples/s`);
}
console.log(`parser_10k_series_body ${text10k.length} bytes`);
