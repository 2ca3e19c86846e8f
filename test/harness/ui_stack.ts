/**
 * A populated Outpost for the web UI's Home, Admin, Status and accessibility tests: real
 * nats-server, an in-process aggregator (authentication on, a rule that always fires through
 * the notifier, the status page on) and a real agent that scrapes the aggregator and itself
 * (jobs `outpost-aggregator` and `outpost-agent`, as `outpost up` does) and probes a local web
 * server (up) and a closed port (down). One more agent's `up` is published as it was 10 minutes
 * ago, standing for an agent that went silent (a real one would take 5 minutes to qualify),
 * and log lines of every level under `{app="ui"}` (so the Logs page has coloured levels).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import { stringify } from "yaml";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AdminService } from "../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { QueryService } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { UptimeService } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { startTestAgent } from "./agent.ts";
import { startInProcessAggregator } from "./aggregator.ts";
import { connectTo } from "./ingest.ts";
import { type NatsServerHandle, startNatsServer } from "./nats.ts";
import { freePort } from "./ports.ts";
import { pointsEvery, publishLogs, publishSeries } from "./samples.ts";

/** The admin's and the viewer's password. */
export const UI_PASSWORD = "correct horse battery";
/** The instance of the agent that went silent. */
export const SILENT_AGENT = "gone-agent.example:9909";

/** The running stack and API clients logged in as the admin `ada`. */
export interface UiStack {
  readonly url: string;
  readonly aggregator: Aggregator;
  readonly api: {
    admin: Client<typeof AdminService>;
    alerts: Client<typeof AlertsService>;
    query: Client<typeof QueryService>;
    uptime: Client<typeof UptimeService>;
  };
  stop(): Promise<void>;
}

const RULES = `groups:
- name: ui
  rules:
  - alert: UiAlwaysFiring
    expr: vector(1)
    labels: {severity: critical}
    annotations: {summary: "Always firing, for the UI test"}
`;
const AM =
  "route: {receiver: ops, group_by: [alertname], group_wait: 1s}\nreceivers: [{name: ops}]\n";

/** Starts the stack and waits until every card of the home page has data. */
export async function startUiStack(): Promise<UiStack> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-ui-stack-"));
  writeFileSync(join(dir, "rules.yml"), RULES);
  writeFileSync(join(dir, "am.yml"), AM);
  const nats: NatsServerHandle = await startNatsServer();
  const web = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
  const closed = await freePort();
  const aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    `global: {evaluation_interval: 1s}
rule_files: [rules.yml]
alerting: {config_file: am.yml}
auth: {enabled: true}
status_page:
  enabled: true
  title: Example Corp status
  targets:
    - {target: "http://127.0.0.1:${web.port}/", name: Website}
    - {target: "http://127.0.0.1:${closed}/", name: Payments API}
`,
  );
  await aggregator.auth!.addUser("ada", "admin", UI_PASSWORD);
  await aggregator.auth!.addUser("vic", "viewer", UI_PASSWORD);
  // The aggregator's /metrics names every tenant: the agent scrapes it with a token of all.
  await aggregator.auth!.addUser("scraper", "viewer", UI_PASSWORD, ["*"]);
  const tokenFile = join(dir, "scrape.token");
  const token = await aggregator.auth!.createToken({ name: "scrape", owner: "scraper" });
  writeFileSync(tokenFile, token.secret, { mode: 0o600 });
  const agentPort = await freePort();
  const scrape = (job: string, target: string, extra: Record<string, unknown> = {}) => ({
    job_name: job,
    scrape_interval: "1s",
    static_configs: [{ targets: [target] }],
    ...extra,
  });
  const probe = (job: string, target: string) => ({
    job_name: job,
    module: "http_2xx",
    interval: "1s",
    targets: [target],
  });
  const agent: Agent = await startTestAgent(
    stringify({
      agent: { id: "ui", http_listen: `127.0.0.1:${agentPort}` },
      nats: { url: nats.url },
      batch: { max_wait: "300ms" },
      spool: { dir: join(dir, "spool") },
      scrape_configs: [
        scrape("outpost-aggregator", new URL(aggregator.url).host, {
          authorization: { credentials_file: tokenFile },
        }),
        scrape("outpost-agent", `127.0.0.1:${agentPort}`),
      ],
      probes: {
        modules: { http_2xx: { prober: "http", timeout: "400ms" } },
        jobs: [
          probe("web", `http://127.0.0.1:${web.port}/`),
          probe("payments", `http://127.0.0.1:${closed}/`),
        ],
      },
    }),
    dir,
  );
  const nc: NatsConnection = await connectTo(nats.url);
  const now = Date.now();
  await publishSeries(nc, [
    {
      labels: { __name__: "up", job: "outpost-agent", instance: SILENT_AGENT },
      points: pointsEvery(now - 30 * 60_000, now - 10 * 60_000, 15_000, () => 1),
    },
  ]);
  const levels = ["debug", "info", "warn", "error"];
  await publishLogs(
    nc,
    levels.map((level, i) => ({
      timeNs: BigInt(now - (levels.length - i) * 1000) * 1_000_000n,
      labels: labelsFromRecord({ app: "ui", level }),
      line: `level=${level} msg="a ${level} line for the UI tests"`,
      fields: [],
    })),
  );
  await nc.close();
  const basic: Interceptor = (next) => (req) => {
    req.header.set("Authorization", `Basic ${btoa(`ada:${UI_PASSWORD}`)}`);
    return next(req);
  };
  const transport = createConnectTransport({ baseUrl: aggregator.url, interceptors: [basic] });
  const api = {
    admin: createClient(AdminService, transport),
    alerts: createClient(AlertsService, transport),
    query: createClient(QueryService, transport),
    uptime: createClient(UptimeService, transport),
  };
  await until(async () => {
    const [alerts, targets, rate, agents] = await Promise.all([
      api.alerts.listAlerts({}),
      api.uptime.listTargets({}),
      api.query.instant({ query: "sum(rate(outpost_ingest_samples_total[5m]))" }),
      api.query.instant({ query: 'count(up{job="outpost-agent"})' }),
    ]);
    const has = (r: typeof rate) =>
      r.result?.value.case === "vector" && r.result.value.value.samples.length > 0;
    return (
      alerts.alerts.length > 0 &&
      targets.targets.filter((t) => t.state !== 0).length === 2 &&
      has(rate) &&
      has(agents)
    );
  });
  return {
    url: aggregator.url,
    aggregator,
    api,
    stop: async () => {
      await agent.stop();
      await aggregator.stop();
      web.stop(true);
      await nats.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function until(ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await ready()) return;
    } catch {}
    if (Date.now() > deadline)
      throw new Error("Cannot start the UI stack: its data did not arrive in 30 s");
    await Bun.sleep(200);
  }
}
