/**
 * Reloading the agent's config beside Prometheus 2.42 reloading the same scrape_configs: a job
 * added and one changed apply without a restart, a bad edit is refused by both while they go on
 * scraping, and the agent's `/-/reload` answers this host's command line only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CountingExporter, startCountingExporter } from "../harness/exporters.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";
import { type PrometheusPeer, startPrometheus } from "../harness/prometheus.ts";

const root = resolve(import.meta.dir, "../..");

const job = (name: string, target: string, interval = "1s") =>
  `  - job_name: ${name}\n    scrape_interval: ${interval}\n    scrape_timeout: 500ms\n    static_configs: [{targets: ["${target}"]}]\n`;

async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (done(last)) return last;
    await Bun.sleep(200);
  }
  throw new Error(`Timed out waiting for ${what}: last ${JSON.stringify(last)}`);
}

describe("agent config reload beside Prometheus 2.42", () => {
  let nats: NatsServerHandle;
  let a: CountingExporter;
  let b: CountingExporter;
  let prometheus: PrometheusPeer;
  let agent: ReturnType<typeof Bun.spawn>;
  let agentUrl: string;
  let dir: string;
  const agentHead = (natsUrl: string, port: number) =>
    `agent:\n  id: reload-agent\n  http_listen: "127.0.0.1:${port}"\nnats:\n  url: ${natsUrl}\nspool:\n  dir: spool\n`;
  let writeBoth: (scrape: string) => void;

  beforeAll(async () => {
    nats = await startNatsServer();
    [a, b] = await Promise.all([startCountingExporter(), startCountingExporter()]);
    dir = mkdtempSync(join(tmpdir(), "outpost-agent-reload-"));
    const port = await freePort();
    agentUrl = `http://127.0.0.1:${port}`;
    const agentFile = join(dir, "agent.yaml");
    const first = `scrape_configs:\n${job("one", a.address)}`;
    writeFileSync(agentFile, agentHead(nats.url, port) + first);
    prometheus = await startPrometheus(dir, first, ["--web.enable-lifecycle"]);
    writeBoth = (scrape) => {
      writeFileSync(agentFile, agentHead(nats.url, port) + scrape);
      writeFileSync(join(dir, "prometheus.yml"), scrape);
    };
    agent = Bun.spawn(["bun", join(root, "cli/outpost.ts"), "agent", "--config", agentFile], {
      stdout: "ignore",
      stderr: "pipe",
    });
  });
  afterAll(async () => {
    agent?.kill("SIGTERM");
    await agent?.exited;
    await prometheus?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await nats?.stop();
  });

  /** Targets per job as Prometheus lists them, and as the agent counts them. */
  const promTargets = async () => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; scrapeInterval: string }[] };
    };
    const out: Record<string, string> = {};
    for (const t of body.data.activeTargets) out[t.labels.job] = t.scrapeInterval;
    return out;
  };
  const agentMetrics = async () => {
    const res = await fetch(`${agentUrl}/metrics`).catch(() => null);
    return res?.ok ? await res.text() : "";
  };
  const agentTargets = async () => {
    const out: Record<string, number> = {};
    for (const m of (await agentMetrics()).matchAll(
      /^outpost_agent_targets\{job="(\w+)"\} (\d+)$/gm,
    ))
      if (Number(m[2]) > 0) out[m[1]] = Number(m[2]);
    return out;
  };
  const gauge = async (text: string, name: string) =>
    text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1];
  const reloadPrometheus = () => fetch(`${prometheus.url}/-/reload`, { method: "POST" });

  test("a job added and one changed apply on SIGHUP, as on Prometheus's reload", async () => {
    await poll(agentTargets, (t) => t.one === 1, "the agent's first job");
    await poll(promTargets, (t) => t.one === "1s", "Prometheus's first job");
    const servedA = a.served;
    writeBoth(`scrape_configs:\n${job("one", a.address, "2s")}${job("two", b.address)}`);
    agent.kill("SIGHUP");
    expect((await reloadPrometheus()).status).toBe(200);
    expect(await poll(agentTargets, (t) => t.two === 1, "the added job")).toEqual({
      one: 1,
      two: 1,
    });
    // Prometheus applies discovered targets up to 5 s after its reload.
    expect(await poll(promTargets, (t) => t.two !== undefined, "Prometheus's added job")).toEqual({
      one: "2s",
      two: "1s",
    });
    // Both exporters are asked by both scrapers from now on; the changed job goes on.
    await poll(
      async () => b.served,
      (n) => n >= 4,
      "scrapes of the added job",
    );
    await poll(
      async () => a.served,
      (n) => n >= servedA + 2,
      "scrapes of the changed job",
    );
  });

  test("a bad edit is refused by both, which keep scraping, and /-/reload says why", async () => {
    writeBoth(`scrape_configs:\n${job("one", a.address, "soon")}`);
    agent.kill("SIGHUP");
    const refused = await reloadPrometheus();
    expect(refused.status).toBe(500);
    const metrics = await poll(
      agentMetrics,
      (m) => m.includes("outpost_agent_config_last_reload_successful 0"),
      "the agent's refusal",
    );
    expect(await gauge(metrics, "outpost_agent_config_last_reload_successful")).toBe("0");
    const promMetrics = await (await fetch(`${prometheus.url}/metrics`)).text();
    expect(await gauge(promMetrics, "prometheus_config_last_reload_successful")).toBe("0");
    const servedB = b.served;
    await poll(
      async () => b.served,
      (n) => n >= servedB + 2,
      "scrapes after the refusal",
    );
    expect(await agentTargets()).toEqual({ one: 1, two: 1 });

    const answer = await fetch(`${agentUrl}/-/reload`, { method: "POST" });
    expect(answer.status).toBe(500);
    expect(await answer.text()).toContain(`${join(dir, "agent.yaml")}:10:`);
    const fromPage = await fetch(`${agentUrl}/-/reload`, {
      method: "POST",
      headers: { Origin: "https://example.com" },
    });
    expect(fromPage.status).toBe(403);

    writeBoth(`scrape_configs:\n${job("one", a.address)}`);
    const fixed = await fetch(`${agentUrl}/-/reload`, { method: "POST" });
    expect([fixed.status, await fixed.text()]).toEqual([200, ""]);
    expect((await reloadPrometheus()).status).toBe(200);
    expect(await poll(agentTargets, (t) => t.two === undefined, "the job removed")).toEqual({
      one: 1,
    });
    expect(await gauge(await agentMetrics(), "outpost_agent_config_last_reload_successful")).toBe(
      "1",
    );
    expect(
      await poll(promTargets, (t) => t.two === undefined && t.one === "1s", "Prometheus's removal"),
    ).toEqual({
      one: "1s",
    });
  });
});
