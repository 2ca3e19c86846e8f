/**
 * The agent's reload at the edges of its life: a SIGHUP while it starts is applied once it has
 * started (it must not end the process), and a reload under way when the stop comes starts no
 * job after the stop.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "./agent.ts";
import { parseAgentConfig } from "./config/load.ts";
import type { AgentConfig } from "./config/schema.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-agent-reload-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, "agent.yaml");
// No NATS server: the agent starts and stops without one (its batches stay spooled).
const head = `agent:\n  id: t\n  http_listen: "127.0.0.1:0"\nnats:\n  url: nats://127.0.0.1:1\nspool:\n  dir: ${join(dir, "spool")}\n`;
const first = parseAgentConfig(`${head}scrape_configs: []\n`, path);
const withJob = parseAgentConfig(
  `${head}scrape_configs:\n  - job_name: late\n    scrape_interval: 1s\n    static_configs: [{targets: ["127.0.0.1:9"]}]\n`,
  path,
);
const targetsOf = (agent: Agent) =>
  agent.registry.render().match(/^outpost_agent_targets\{job="late"\} (\d+)$/m)?.[1];

test("a reload reading the file when the stop comes starts no job after the stop", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const agent = new Agent(first, path, async () => {
    await gate;
    return withJob;
  });
  await agent.start();
  const reloading = agent.reload("test");
  const stopping = agent.stop();
  release();
  await stopping;
  expect((await reloading).stopping).toBe(true);
  expect(targetsOf(agent)).toBeUndefined();
  const after = await agent.reload("test");
  expect(after.stopping).toBe(true);
  expect(targetsOf(agent)).toBeUndefined();
});

test("SIGHUP is trapped from the start to the end of the stop; one during the start applies once started", async () => {
  const loads: AgentConfig[] = [];
  const agent = new Agent(first, path, async () => {
    loads.push(withJob);
    return withJob;
  });
  const before = process.listenerCount("SIGHUP");
  const starting = agent.start();
  expect(process.listenerCount("SIGHUP")).toBe(before + 1);
  process.emit("SIGHUP", "SIGHUP");
  await starting;
  for (let i = 0; i < 50 && targetsOf(agent) !== "1"; i++) await Bun.sleep(20);
  expect(loads.length).toBe(1);
  expect(targetsOf(agent)).toBe("1");
  const stopping = agent.stop();
  expect(process.listenerCount("SIGHUP")).toBe(before + 1);
  process.emit("SIGHUP", "SIGHUP");
  await stopping;
  expect(loads.length).toBe(1);
  expect(process.listenerCount("SIGHUP")).toBe(before);
});

test("/-/reload takes POST and PUT from this host, as Prometheus's does", async () => {
  const agent = new Agent(first, path, async () => first);
  await agent.start();
  try {
    for (const method of ["POST", "PUT"]) {
      const res = await fetch(`${agent.httpUrl}/-/reload`, { method });
      expect([method, res.status, await res.text()]).toEqual([method, 200, ""]);
    }
  } finally {
    await agent.stop();
  }
});

test("an agent listening on IPv6 loopback names its endpoint in brackets, and answers /-/reload there", async () => {
  const v6 = parseAgentConfig(
    `${head.replace('"127.0.0.1:0"', '"[::1]:0"')}scrape_configs: []\n`,
    path,
  );
  const agent = new Agent(v6, path, async () => v6);
  await agent.start();
  try {
    expect(agent.httpUrl).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const res = await fetch(`${agent.httpUrl}/-/reload`, { method: "POST" });
    expect(res.status).toBe(200);
  } finally {
    await agent.stop();
  }
});
