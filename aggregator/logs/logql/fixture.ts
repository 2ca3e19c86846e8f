/**
 * The test fixture of the LogQL engine (used by tests only): 210 records in four streams over
 * ten minutes after T0, regular enough that expected results can be worked out by hand.
 *
 * - `{app="api", env="prod"}`: 120 JSON lines at T0+5s … T0+600s (every 5 s), i = 0…119:
 *   level error when i%10=0 (status 500), warn when i%10=5 (404), else info (200);
 *   latency (i%4)·100 ms; path "/a" (even i) or "/b"; user.id i%3.
 * - `{app="web", env="prod", method="GET"}`: 40 logfmt lines at T0+15s … T0+600s (every 15 s):
 *   error when i%8=7 (status 503); duration (i%5)·20 ms; size (i%3+1) KB; method=GET.
 * - `{app="web", env="dev"}`: 20 text lines at T0+30s … T0+600s (every 30 s): when i%4=0
 *   `ERROR connection refused host=db-<(i/4)%2>`, else `GET /health 200 took <i>ms`.
 * - `{app="worker", env="prod"}`: 30 lines at T0+20s … T0+600s (every 20 s):
 *   `task <i> finished in <i%4+1>s`, with structured metadata `trace_id=tr-<i>` for even i.
 */
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import type { LogRecord } from "../../../shared/model/log.ts";

/** One second in nanoseconds. */
export const S = 1_000_000_000n;
/** The fixture's time origin. */
export const T0 = 1_700_000_000n * S;

function at(seconds: number): bigint {
  return T0 + BigInt(seconds) * S;
}

function apiLine(i: number): string {
  const level = i % 10 === 0 ? "error" : i % 10 === 5 ? "warn" : "info";
  const status = level === "error" ? 500 : level === "warn" ? 404 : 200;
  const path = i % 2 === 0 ? "/a" : "/b";
  return `{"level":"${level}","status":${status},"latency":"${(i % 4) * 100}ms","path":"${path}","user":{"id":${i % 3}}}`;
}

function webLine(i: number): string {
  const error = i % 8 === 7;
  return `level=${error ? "error" : "info"} method=GET path=/index status=${error ? 503 : 200} duration=${(i % 5) * 20}ms size=${(i % 3) + 1}KB`;
}

function devLine(i: number): string {
  if (i % 4 === 0) return `ERROR connection refused host=db-${(i / 4) % 2}`;
  return `GET /health 200 took ${i}ms`;
}

/** The stream labels of the fixture, as result records. */
export const STREAMS = {
  api: { app: "api", env: "prod" },
  web: { app: "web", env: "prod", method: "GET" },
  dev: { app: "web", env: "dev" },
  worker: { app: "worker", env: "prod" },
} as const;

/** The fixture's records, in an order that is not time order (storage must sort). */
export function fixtureRecords(): LogRecord[] {
  const [api, web, dev, worker] = Object.values(STREAMS).map(labelsFromRecord);
  const out: LogRecord[] = [];
  for (let i = 119; i >= 0; i--)
    out.push({ timeNs: at(5 * (i + 1)), labels: api, line: apiLine(i), fields: [] });
  for (let i = 0; i < 40; i++)
    out.push({ timeNs: at(15 * (i + 1)), labels: web, line: webLine(i), fields: [] });
  for (let i = 0; i < 20; i++)
    out.push({ timeNs: at(30 * (i + 1)), labels: dev, line: devLine(i), fields: [] });
  for (let i = 0; i < 30; i++) {
    const fields = i % 2 === 0 ? ["trace_id", `tr-${i}`] : [];
    out.push({
      timeNs: at(20 * (i + 1)),
      labels: worker,
      line: `task ${i} finished in ${(i % 4) + 1}s`,
      fields,
    });
  }
  return out;
}
