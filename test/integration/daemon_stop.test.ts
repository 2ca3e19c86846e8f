/**
 * `outpost agent` and `outpost aggregator` stopped at every moment of their start: run in their
 * own process group, interrupted at times and at cues of their start, they exit with 128 + the
 * signal and leave no process and no listening port behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testAggregatorConfig } from "../harness/aggregator.ts";
import {
  type Cue,
  portsInUse,
  processesMentioning,
  startOutpost,
  stopCodes,
} from "../harness/interrupt.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";

interface Case {
  when: string;
  cue: Cue;
  sig: "SIGINT" | "SIGTERM";
  to: "group" | "process";
}

/** A command's run: its config file (named on its command line), and its ports. */
interface Run {
  args: string[];
  dir: string;
  ports: number[];
}

/**
 * Interrupts `run` at `c` and returns whether it stopped cleanly and what it left running; with
 * what it printed when it did not stop cleanly (the log names a step that kept it waiting).
 */
async function interrupt(run: Run, c: Case): Promise<Record<string, unknown>> {
  const proc = startOutpost(run.args);
  await proc.waitFor(c.cue);
  proc.signal(c.sig, c.to);
  const code = await proc.exited(20_000);
  const cleanStop = stopCodes(c.cue, c.sig).includes(code);
  const pids = processesMentioning(run.dir);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  const ports = await portsInUse(run.ports);
  return cleanStop
    ? { cleanStop, pids, ports }
    : { cleanStop, code, pids, ports, output: proc.output() };
}

const expected: Record<string, unknown> = { cleanStop: true, pids: [], ports: [] };
const name = (c: Case) => `${c.sig} to ${c.to === "group" ? "its group" : "it alone"} ${c.when}`;

async function agentRun(natsPort: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-agent-stop-"));
  const port = await freePort();
  const path = join(dir, "agent.yaml");
  writeFileSync(
    path,
    `agent:\n  http_listen: "127.0.0.1:${port}"\nnats:\n  url: nats://127.0.0.1:${natsPort}\nspool:\n  dir: ${join(dir, "spool")}\nhost:\n  enabled: true\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`,
  );
  return { args: ["agent", "--config", path], dir, ports: [port] };
}

async function aggregatorRun(natsUrl: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-aggregator-stop-"));
  const httpPort = await freePort();
  const { path } = await testAggregatorConfig({
    id: "stop",
    natsUrl,
    dataDir: dir,
    storage: { type: "dir", path: join(dir, "bucket") },
    httpPort,
  });
  return { args: ["aggregator", "--config", path], dir, ports: [httpPort] };
}

describe("outpost agent", () => {
  const cases: Case[] = [
    { when: "0.1 s after start", cue: { afterMs: 100 }, sig: "SIGINT", to: "group" },
    { when: "0.4 s after start", cue: { afterMs: 400 }, sig: "SIGINT", to: "group" },
    { when: "once started", cue: { output: "Agent started" }, sig: "SIGINT", to: "group" },
    { when: "0.25 s after start", cue: { afterMs: 250 }, sig: "SIGTERM", to: "process" },
    { when: "once started", cue: { output: "Agent started" }, sig: "SIGTERM", to: "process" },
  ];
  for (const c of cases)
    test(`stopped by ${name(c)} exits and leaves nothing running`, async () => {
      // No NATS: the agent starts anyway and spools; its stop must not wait for NATS.
      const run = await agentRun(await freePort());
      expect(await interrupt(run, c)).toEqual(expected);
    }, 30_000);
});

describe("outpost aggregator", () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats?.dispose();
  });
  const cases: Case[] = [
    { when: "0.1 s after start", cue: { afterMs: 100 }, sig: "SIGINT", to: "group" },
    { when: "0.6 s after start", cue: { afterMs: 600 }, sig: "SIGINT", to: "group" },
    { when: "as it connects", cue: { output: "Catalog loaded" }, sig: "SIGINT", to: "group" },
    { when: "once started", cue: { output: "Aggregator started" }, sig: "SIGTERM", to: "process" },
  ];
  for (const c of cases)
    test(`stopped by ${name(c)} exits and leaves nothing running`, async () => {
      expect(await interrupt(await aggregatorRun(nats.url), c)).toEqual(expected);
    }, 30_000);

  test("a SIGHUP while it starts reloads once it has started, and one while it stops is ignored", async () => {
    const run = await aggregatorRun(nats.url);
    const proc = startOutpost(run.args);
    await proc.waitFor({ output: "Catalog loaded" });
    proc.signal("SIGHUP", "process");
    await proc.waitFor({ output: "Aggregator started" });
    const reloaded = () =>
      proc
        .output()
        .split("\n")
        .filter((l) => l.includes("rules.reload"));
    for (let i = 0; i < 50 && reloaded().length === 0; i++) await Bun.sleep(100);
    expect(reloaded()).toHaveLength(1);
    proc.signal("SIGTERM", "process");
    // Two signals pending at once are delivered lowest number first (SIGHUP is 1, SIGTERM 15):
    // the SIGHUP goes once the stop has begun, or it would come first.
    await proc.waitFor({ output: "Stopping: signal received" });
    proc.signal("SIGHUP", "process");
    expect(await proc.exited(20_000)).toBe(0);
    expect(reloaded()).toHaveLength(1);
    expect(await portsInUse(run.ports)).toEqual([]);
  }, 30_000);

  test("stopped by SIGTERM while it waits for an unreachable NATS exits at once", async () => {
    const run = await aggregatorRun(`nats://127.0.0.1:${await freePort()}`);
    const c: Case = { when: "", cue: { output: "Catalog loaded" }, sig: "SIGTERM", to: "process" };
    const proc = startOutpost(run.args);
    await proc.waitFor(c.cue);
    await Bun.sleep(1_500); // connect retries every second: it is waiting now
    const sent = Date.now();
    proc.signal("SIGTERM", "process");
    expect(await proc.exited(10_000)).toBe(0);
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(await portsInUse(run.ports)).toEqual([]);
  }, 30_000);
});
