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
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startIntegrationsAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { instantVector, logLines, until } from "../harness/aggregator_queries.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { startNginx, type TestNginx } from "../harness/nginx.ts";

let nats: NatsServerHandle;
let nginx: TestNginx;
let aggregator: Aggregator;
let agent: Agent;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-nginx-logs-"));
  nats = await startNatsServer();
  // stub_status where the agent's detection looks first: a probe of /nginx_status answered by
  // `location /` was logged as a fourth 200 in one full run, while this test counted its own.
  nginx = await startNginx({ statusPath: "/nginx_status" });
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  agent = await startIntegrationsAgent("nginx-logs", nats.url, dir, {
    nginx: [
      { status_url: nginx.statusUrl, access_log: nginx.accessLog, error_log: nginx.errorLog },
    ],
  });
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await aggregator?.stop();
  await nginx?.stop();
  await nats?.dispose();
}, 30_000);

const logs = (q: string) => logLines(aggregator.url, q);
const instant = (q: string) => instantVector(aggregator.url, q);

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
