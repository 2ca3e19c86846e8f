/**
 * The agent killed with SIGKILL while batches are open (`batch.max_wait: 10s`): every scrape the
 * target served before a kill reaches the stream exactly once, because each scrape is in the
 * write-ahead log before it counts as done (agent/sinks/nats/wal.ts).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { type CountingExporter, startCountingExporter } from "../harness/exporters.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { random as seeded } from "../harness/random.ts";
import { readStream } from "../harness/stream.ts";

const root = resolve(import.meta.dir, "../..");
const KILLS_PER_PHASE = 5;

let exporter: CountingExporter;
let nats: NatsServerHandle;
beforeAll(async () => {
  exporter = await startCountingExporter();
  nats = await startNatsServer();
});
afterAll(async () => {
  await exporter?.stop();
  await nats?.dispose();
});

function writeConfig(dir: string): string {
  const path = join(dir, "agent.yaml");
  writeFileSync(
    path,
    [
      "agent:",
      "  id: wal-agent",
      '  http_listen: "127.0.0.1:0"',
      "nats:",
      `  url: ${nats.url}`,
      "batch:",
      "  max_wait: 10s",
      "spool:",
      "  dir: spool",
      "host:",
      "  enabled: false",
      "scrape_configs:",
      "  - job_name: counting",
      "    scrape_interval: 200ms",
      "    scrape_timeout: 150ms",
      "    static_configs:",
      `      - targets: ["${exporter.address}"]`,
      "",
    ].join("\n"),
  );
  return path;
}

function startAgent(config: string): Subprocess {
  return Bun.spawn(["bun", join(root, "cli/outpost.ts"), "agent", "--config", config], {
    stdout: "ignore",
    stderr: "ignore",
  });
}

/**
 * Runs the agent until its first scrape, then for a random 1–3 s more, then kills it with
 * SIGKILL, `times` times. Waiting for the first scrape makes every run one that was killed
 * mid-stream: under load the agent's start alone took most of a fixed wait.
 */
async function killRepeatedly(config: string, times: number, random: () => number) {
  for (let i = 0; i < times; i++) {
    const agent = startAgent(config);
    const before = exporter.served;
    const deadline = Date.now() + 15_000;
    while (exporter.served === before && Date.now() < deadline) await Bun.sleep(50);
    expect({ run: i, scraped: exporter.served > before }).toEqual({ run: i, scraped: true });
    await Bun.sleep(1_000 + random() * 2_000);
    agent.kill("SIGKILL");
    await agent.exited;
  }
}

/** The scrape numbers in the stream, each as often as it was stored. */
async function storedScrapes(): Promise<number[]> {
  const batches = await readStream(nats.url);
  return batches
    .flatMap((b) => b.samples)
    .filter((s) => s.name === "outpost_test_scrape_seq" && !s.stale)
    .map((s) => s.value);
}

test(
  "ten SIGKILLs of the agent, with NATS up and then down, lose no served scrape and store none twice",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "outpost-wal-kill-"));
    const config = writeConfig(dir);
    const random = seeded(19);
    await killRepeatedly(config, KILLS_PER_PHASE, random);
    await nats.stop();
    await killRepeatedly(config, KILLS_PER_PHASE, random);
    await nats.restart();
    // A last run delivers the spool and the recovered batches, then stops cleanly.
    const last = startAgent(config);
    const servedBeforeLast = exporter.served;
    const deadline = Date.now() + 30_000;
    const allowed = 2 * KILLS_PER_PHASE;
    const delivered = (s: number[]) => s.filter((v) => v <= servedBeforeLast).length;
    let stored = await storedScrapes();
    while (Date.now() < deadline && delivered(stored) < servedBeforeLast - allowed) {
      await Bun.sleep(500);
      stored = await storedScrapes();
    }
    last.kill("SIGTERM");
    await last.exited;
    stored = await storedScrapes();
    const served = exporter.served;

    const counts = new Map<number, number>();
    for (const v of stored) counts.set(v, (counts.get(v) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    const missing: number[] = [];
    for (let v = 1; v <= served; v++) if (!counts.has(v)) missing.push(v);
    expect(twice).toEqual([]);
    // At most the scrape in flight at each kill (served, not yet handed to the sink), and the
    // one in flight at the final stop.
    expect(missing.length).toBeLessThanOrEqual(2 * KILLS_PER_PHASE + 1);
    // Every run was scraped (killRepeatedly checks); ~5 scrapes a second on a quiet machine.
    expect(served).toBeGreaterThan(4 * KILLS_PER_PHASE);
  },
  { timeout: 150_000 },
);
