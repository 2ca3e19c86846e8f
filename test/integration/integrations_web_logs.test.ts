/**
 * Apache's and HAProxy's logs end to end: an agent collecting a configured Apache and HAProxy
 * (harness: real servers, temp folders) tails their logs; real requests become records with
 * method, path and status fields in the aggregator (real nats-server, in-process aggregator,
 * LogQL through Loki's API), counted by status and timed (PromQL), beside the status families.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startIntegrationsAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { instantVector, logLines, until } from "../harness/aggregator_queries.ts";
import { startApache, type TestApache } from "../harness/apache.ts";
import { startHaproxy, type TestHaproxy } from "../harness/haproxy.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

setDefaultTimeout(90_000);

let nats: NatsServerHandle;
let apache: TestApache;
let haproxy: TestHaproxy;
let aggregator: Aggregator;
let agent: Agent;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-web-logs-"));
  nats = await startNatsServer();
  [apache, haproxy] = await Promise.all([startApache(), startHaproxy()]);
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  agent = await startIntegrationsAgent("web-logs", nats.url, dir, {
    apache: [
      { status_url: apache.statusUrl, access_log: apache.accessLog, error_log: apache.errorLog },
    ],
    haproxy: [{ socket: haproxy.socket, log: haproxy.log }],
  });
});

afterAll(async () => {
  await agent?.stop();
  await aggregator?.stop();
  await Promise.all([apache?.stop(), haproxy?.stop()]);
  await nats?.dispose();
});

const logs = (q: string) => logLines(aggregator.url, q);
const instant = (q: string) => instantVector(aggregator.url, q);

/** Requests `url` until the tailer, which starts at the log's end, has delivered one line for it. */
async function warmUp(selector: string, url: string, marker: string): Promise<void> {
  await until(
    `the tail of ${selector}`,
    async () => {
      await fetch(`${url}?${marker}`).then((r) => r.text());
      return logs(`${selector} |= "${marker}"`);
    },
    (v) => v.length > 0,
  );
}

test("an Apache access line becomes a record with fields, counted by status and timed", async () => {
  const instance = `127.0.0.1:${apache.port}`;
  await until(
    "apache_up",
    () => instant(`apache_up{instance="${instance}"}`),
    (r) => r[0]?.value[1] === "1",
  );
  const selector = '{job="integrations/apache", log="access"}';
  await warmUp(selector, `${apache.url}/missing`, "warm-up");
  for (let i = 0; i < 3; i++)
    await fetch(`${apache.url}/?n=${i}`, { headers: { "user-agent": "outpost-test" } }).then((r) =>
      r.text(),
    );
  const count = `outpost_apache_access_requests_total{job="integrations/apache", status="200"}`;
  const ok = `${selector} | status="200" | method="GET" |= "outpost-test"`;
  const got = await until(
    "three lines, counted",
    async () => ({ lines: await logs(ok), counted: Number((await instant(count))[0]?.value[1]) }),
    (v) => v.lines.length === 3 && v.counted >= 3,
  );
  const first = got.lines.find((v) => v[1].includes("/?n=0"));
  expect(first?.[2]?.structuredMetadata).toMatchObject({
    method: "GET",
    path: "/?n=0",
    protocol: "HTTP/1.1",
    status: "200",
    user_agent: "outpost-test",
    remote_addr: "127.0.0.1",
  });
  expect(first?.[2]?.structuredMetadata?.duration).toMatch(/^\d+$/);
  const timed = await instant(`outpost_apache_access_request_duration_seconds_count{status="200"}`);
  expect(Number(timed[0]?.value[1])).toBeGreaterThanOrEqual(3);
  const notFound = await instant(`outpost_apache_access_requests_total{status="404"}`);
  expect(notFound[0].metric).toMatchObject({ instance, job: "integrations/apache", status: "404" });
});

test("HAProxy's HTTP log lines become records with fields, counted by status and backend", async () => {
  await until(
    "haproxy_up",
    () => instant(`haproxy_up{instance="${haproxy.socket}"}`),
    (r) => r[0]?.value[1] === "1",
  );
  const selector = '{job="integrations/haproxy"}';
  await warmUp(selector, `${haproxy.url}/`, "warm-up");
  for (let i = 0; i < 2; i++) await fetch(`${haproxy.url}/fail?n=${i}`).then((r) => r.text());
  const failed = await until(
    "two 503 lines, counted",
    async () => ({
      lines: await logs(`${selector} | status="503" | path=~"/fail.*"`),
      counted: Number(
        (await instant(`sum(outpost_haproxy_log_requests_total{status="503", backend="app"})`))[0]
          ?.value[1],
      ),
    }),
    (v) => v.lines.length === 2 && v.counted >= 2,
  );
  expect(failed.lines[0][2]?.structuredMetadata).toMatchObject({
    frontend: "web",
    backend: "app",
    method: "GET",
    status: "503",
    client: "127.0.0.1",
  });
  // The same responses, as HAProxy's own stats count them: collected on the integration's own
  // interval, so the next collection may land after the log lines did.
  await until(
    "HAProxy's stats counting the two 503s",
    () => instant(`haproxy_backend_http_responses_total{backend="app", code="5xx"}`),
    (r) => Number(r[0]?.value[1]) >= 2,
  );
});
