/**
 * nginx's access log end to end: an agent collecting a configured nginx (harness: real
 * nginx, temp prefix) tails its access and error logs; a real request becomes a record
 * with method, path and status fields in the aggregator (real nats-server, in-process
 * aggregator, LogQL through Loki's API), and outpost_nginx_access_requests_total counts
 * it by status (PromQL), beside the stub_status families.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startTestAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { startNginx, type TestNginx } from "../harness/nginx.ts";

type LokiValue = [string, string, { structuredMetadata?: Record<string, string> }?];
interface LokiStreams {
  data: { result: { stream: Record<string, string>; values: LokiValue[] }[] };
}
interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

let nats: NatsServerHandle;
let nginx: TestNginx;
let aggregator: Aggregator;
let agent: Agent;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-nginx-logs-"));
  nats = await startNatsServer();
  nginx = await startNginx();
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  const config = {
    agent: { id: "nginx-logs", http_listen: "127.0.0.1:0" },
    nats: { url: nats.url },
    global: { scrape_interval: "1s" },
    batch: { max_wait: "200ms" },
    spool: { dir: join(dir, "spool") },
    integrations: {
      interval: "1s",
      timeout: "1s",
      nginx: [
        { status_url: nginx.statusUrl, access_log: nginx.accessLog, error_log: nginx.errorLog },
      ],
    },
  };
  agent = await startTestAgent(stringify(config), dir);
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await aggregator?.stop();
  await nginx?.stop();
  await nats?.dispose();
}, 30_000);

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await Bun.sleep(250);
  }
}

async function logs(q: string): Promise<LokiValue[]> {
  const range = `start=${Date.now() - 600_000}000000&end=${Date.now() + 60_000}000000`;
  // categorize-labels: fields come back beside each line, not merged into the stream's labels.
  const r = await fetch(
    `${aggregator.url}/loki/api/v1/query_range?query=${encodeURIComponent(q)}&${range}&limit=1000`,
    { headers: { "X-Loki-Response-Encoding-Flags": "categorize-labels" } },
  );
  return ((await r.json()) as LokiStreams).data.result.flatMap((s) => s.values);
}

async function instant(q: string): Promise<PromVector["data"]["result"]> {
  const r = await fetch(`${aggregator.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  return ((await r.json()) as PromVector).data.result;
}

test("an access line becomes a record with fields, counted by status; an error line carries its level", async () => {
  const instance = `127.0.0.1:${nginx.port}`;
  await until(
    "nginx_up from the agent",
    () => instant(`nginx_up{job="nginx", instance="${instance}"}`),
    (r) => r[0]?.value[1] === "1",
  );
  // The access log is tailed from its end once found: request until a line arrives.
  const selector = '{job="integrations/nginx", log="access"}';
  await until(
    "the tail to start",
    async () => {
      await fetch(`${nginx.url}/missing?warm-up`).then((r) => r.text());
      return logs(`${selector} |= "/missing?warm-up"`);
    },
    (v) => v.length > 0,
  );
  // Now exactly three 200s (stub_status is not logged: `access_log off` there).
  for (let i = 0; i < 3; i++)
    await fetch(`${nginx.url}/?n=${i}`, { headers: { "user-agent": "outpost-test" } });
  const count200 = `outpost_nginx_access_requests_total{job="integrations/nginx", status="200"}`;
  // Fields filter like labels in LogQL, without being stream labels.
  const ok = `${selector} | status="200" | method="GET"`;
  const settled = async () => {
    const [lines, metric] = [await logs(ok), await instant(count200)];
    return { lines: lines.length, counted: Number(metric[0]?.value[1]), values: lines };
  };
  const got = await until("three lines, counted", settled, (v) => v.lines === 3 && v.counted === 3);
  const first = got.values.find((v) => v[1].includes("/?n=0"));
  expect(first?.[2]?.structuredMetadata).toMatchObject({
    method: "GET",
    path: "/?n=0",
    protocol: "HTTP/1.1",
    status: "200",
    bytes: "3",
    user_agent: "outpost-test",
    remote_addr: "127.0.0.1",
  });
  await Bun.sleep(1_500); // one more metrics interval: nothing else is counted
  expect(await settled()).toMatchObject({ lines: 3, counted: 3 });
  // $request_time, which the harness's log format adds, feeds the latency histogram.
  expect(first?.[2]?.structuredMetadata?.request_time).toMatch(/^\d+\.\d{3}$/);
  const latency = await instant(
    `outpost_nginx_access_request_duration_seconds_bucket{status="200", le="+Inf"}`,
  );
  expect(latency.map((r) => r.value[1])).toEqual(["3"]);
  const p99 = await instant(
    `histogram_quantile(0.99, sum by (le) (outpost_nginx_access_request_duration_seconds_bucket{status="200"}))`,
  );
  expect(Number(p99[0]?.value[1])).toBeLessThanOrEqual(0.005);
  const counted = await instant(`outpost_nginx_access_requests_total{status="404"}`);
  expect(counted[0].metric).toMatchObject({ instance, job: "integrations/nginx", status: "404" });
  expect(Number(counted[0].value[1])).toBeGreaterThanOrEqual(1);
  expect(counted[0].metric.log).toBeUndefined();
  expect(counted[0].metric.filename).toBeUndefined();
  // The error log: a missing file's open() failure, with its level as a label.
  await fetch(`${nginx.url}/files/nope`).then((r) => r.text());
  const errors = await until(
    "the error line",
    () => logs('{job="integrations/nginx", log="error", level="error"} |= "/files/nope"'),
    (v) => v.length > 0,
  );
  expect(errors[0][1]).toMatch(/open\(\) ".*\/files\/nope" failed/);
  expect(errors[0][2]?.structuredMetadata?.pid).toMatch(/^\d+$/);
}, 60_000);
