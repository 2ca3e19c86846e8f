/**
 * Where one page load's time goes, for the dashboard benchmark's `--breakdown`: each API call's
 * queue time in the browser (waiting for one of its six connections), the server's time
 * (its Server-Timing header: wait, select, eval, encode), the download and the answer's size;
 * how many calls were in flight at once; the page's main-thread busy time (long tasks); and
 * the CPU seconds of the server's process and of Chromium's over the load.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import type { Page, Request } from "playwright-core";
import {
  InstantRequestSchema,
  RangeRequestSchema,
} from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { cpuSeconds } from "./proc.ts";

/** One API call of the load; times in ms from navigation. */
export interface CallRecord {
  readonly method: string;
  /** The query and step of a Range or Instant call (its binary body decoded). */
  readonly query?: string;
  readonly start: number;
  /** From the page's fetch to the request leaving (a free connection). */
  readonly queued: number;
  /** From the request leaving to the first byte of the answer. */
  readonly waiting: number;
  readonly download: number;
  readonly end: number;
  readonly bytes: number;
  /** The server's own phases (ms), by Server-Timing name. */
  readonly server: Record<string, number>;
}

/** The breakdown of one load. */
export interface Breakdown {
  readonly ms: number;
  readonly calls: CallRecord[];
  /** Main-thread long tasks (≥ 50 ms) summed, ms. */
  readonly longTasksMs: number;
  readonly serverCpuS: number;
  readonly browserCpuS: number;
}

/** Registers a PerformanceObserver that sums long tasks into `window.__longTasks`. */
const LONG_TASKS = `window.__longTasks = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks += e.duration; })
  .observe({ type: "longtask", buffered: true });`;

/** Parses `a;dur=1.5, b;dur=2` into `{a: 1.5, b: 2}`. */
export function parseServerTiming(header: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)/.exec(part);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Process ids of every Chromium process (the browser and its renderers). */
function chromiumPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").startsWith("/usr/lib/chromium/"))
        pids.push(Number(name));
    } catch {
      // gone between the listing and the read
    }
  }
  return pids;
}

function chromiumCpu(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += cpuSeconds(pid);
    } catch {
      // a renderer that exited
    }
  }
  return sum;
}

/** The query of a binary Range or Instant request, with its step. */
function queryOf(method: string, body: Buffer | null): string | undefined {
  if (body === null) return undefined;
  try {
    if (method === "Range") {
      const q = fromBinary(RangeRequestSchema, body);
      return `${q.query} @${Number(q.stepMs) / 1000}s`;
    }
    if (method === "Instant") return fromBinary(InstantRequestSchema, body).query;
  } catch {
    // a JSON body (another client's): no query shown
  }
  return undefined;
}

async function record(r: Request, t0: number): Promise<CallRecord | undefined> {
  const res = await r.response();
  if (!res || !r.url().includes("Service/")) return undefined;
  const t = r.timing();
  const sizes = await r.sizes().catch(() => ({ responseBodySize: 0 }));
  const start = t.startTime - t0;
  const method = r.url().slice(r.url().lastIndexOf("/") + 1);
  return {
    method,
    query: queryOf(method, r.postDataBuffer()),
    start,
    queued: Math.max(0, t.requestStart),
    waiting: t.responseStart - t.requestStart,
    download: t.responseEnd - t.responseStart,
    end: start + t.responseEnd,
    bytes: sizes.responseBodySize,
    server: parseServerTiming((await res.allHeaders())["server-timing"]),
  };
}

/** Loads `url` in `page` until `done` is true, recording its calls. */
export async function loadWithBreakdown(page: Page, url: string, done: string): Promise<Breakdown> {
  await page.addInitScript(LONG_TASKS);
  const finished: Request[] = [];
  page.on("requestfinished", (r) => finished.push(r));
  const pids = chromiumPids();
  const cpu0 = { server: cpuSeconds(process.pid), browser: chromiumCpu(pids) };
  const t0 = Date.now();
  const p0 = performance.now();
  await page.goto(url);
  await page.waitForFunction(done, undefined, { timeout: 300_000, polling: 20 });
  const ms = performance.now() - p0;
  const serverCpuS = cpuSeconds(process.pid) - cpu0.server;
  const browserCpuS = chromiumCpu(pids) - cpu0.browser;
  const longTasksMs = Number(await page.evaluate("window.__longTasks"));
  const calls = (await Promise.all(finished.map((r) => record(r, t0)))).filter(
    (c): c is CallRecord => c !== undefined,
  );
  return { ms, calls, longTasksMs, serverCpuS, browserCpuS };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (xs: number[], q: number) =>
  xs.length === 0
    ? 0
    : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Most calls in flight at once (from fetch to the last byte). */
function peakInFlight(calls: CallRecord[]): number {
  const edges = calls.flatMap((c) => [
    [c.start, 1],
    [c.end, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}

/** The breakdown as `name value unit` lines, prefixed with `prefix`. */
export function breakdownLines(prefix: string, b: Breakdown): string[] {
  const q = b.calls.filter((c) => c.method === "Range" || c.method === "Instant");
  const srv = (k: string) => q.map((c) => c.server[k] ?? 0);
  const line = (name: string, value: number, unit: string) =>
    `${prefix}_${name} ${Math.round(value * 10) / 10} ${unit}`;
  return [
    line("load", b.ms, "ms"),
    line("calls", b.calls.length, "calls"),
    line("query_calls", q.length, "calls"),
    line("first_call_start", Math.min(...b.calls.map((c) => c.start)), "ms"),
    line("last_call_end", Math.max(...b.calls.map((c) => c.end)), "ms"),
    line("peak_in_flight", peakInFlight(b.calls), "calls"),
    line("queued_sum", sum(b.calls.map((c) => c.queued)), "ms"),
    line(
      "queued_p50",
      pct(
        b.calls.map((c) => c.queued),
        0.5,
      ),
      "ms",
    ),
    line("waiting_sum", sum(q.map((c) => c.waiting)), "ms"),
    line("download_sum", sum(q.map((c) => c.download)), "ms"),
    line("server_total_sum", sum(srv("total")), "ms"),
    line("server_total_p50", pct(srv("total"), 0.5), "ms"),
    line("server_total_max", Math.max(0, ...srv("total")), "ms"),
    line("server_wait_sum", sum(srv("wait")), "ms"),
    line("server_select_sum", sum(srv("select")), "ms"),
    line("server_eval_sum", sum(srv("eval")), "ms"),
    line("server_encode_sum", sum(srv("encode")), "ms"),
    line("response_bytes_sum", sum(q.map((c) => c.bytes)), "bytes"),
    line("response_bytes_max", Math.max(0, ...q.map((c) => c.bytes)), "bytes"),
    line("page_long_tasks", b.longTasksMs, "ms"),
    line("server_process_cpu", b.serverCpuS, "s"),
    line("browser_cpu", b.browserCpuS, "s"),
  ];
}

/** The slowest query calls by server time, for a look at which shapes cost most. */
export function slowestCalls(b: Breakdown, n = 10): CallRecord[] {
  return b.calls
    .filter((c) => c.server.total !== undefined)
    .sort((a, b2) => (b2.server.total ?? 0) - (a.server.total ?? 0))
    .slice(0, n);
}
