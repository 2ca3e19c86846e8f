/**
 * The journal source end to end, as a separate agent process over a live journald (in a
 * namespace of its own): lines written with `logger` while the agent is killed with SIGKILL
 * twice each arrive exactly once, with the unit-less syslog entry's level and fields.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { canRunJournald, type JournaldHandle, startJournald } from "../harness/journald.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { type ReceivedLog, readStream } from "../harness/stream.ts";

setDefaultTimeout(120_000);
const root = resolve(import.meta.dir, "../..");

function writeConfig(dir: string, natsUrl: string, namespace: string): string {
  const path = join(dir, "agent.yaml");
  writeFileSync(
    path,
    `agent:\n  id: journal-agent\n  http_listen: "127.0.0.1:0"\nnats:\n  url: ${natsUrl}\nbatch:\n  max_wait: 200ms\nspool:\n  dir: spool\njournal:\n  enabled: true\n  namespace: ${namespace}\n  start_at: beginning\n`,
  );
  return path;
}

function runAgent(config: string) {
  return Bun.spawn(["bun", join(root, "cli/outpost.ts"), "agent", "--config", config], {
    stdout: "ignore",
    stderr: "ignore",
  });
}

async function ours(url: string): Promise<ReceivedLog[]> {
  const logs = (await readStream(url)).flatMap((b) => b.logs);
  return logs.filter((l) => l.line.startsWith("journal-line "));
}

async function waitFor(url: string, n: number, timeoutMs = 60_000): Promise<ReceivedLog[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await ours(url);
    if (new Set(logs.map((l) => l.line)).size >= n || Date.now() > deadline) return logs;
    await Bun.sleep(300);
  }
}

describe.skipIf(!canRunJournald())("journal source (agent process)", () => {
  let nats: NatsServerHandle | null = null;
  let journald: JournaldHandle | null = null;
  afterAll(async () => {
    await journald?.stop();
    await nats?.dispose();
  });

  test("logger lines arrive once each across two agent kill -9", async () => {
    nats = await startNatsServer();
    journald = await startJournald();
    const dir = mkdtempSync(join(tmpdir(), "outpost-journal-"));
    const config = writeConfig(dir, nats.url, journald.namespace);
    let agent = runAgent(config);
    let written = 0;
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) await journald!.logger(`journal-line ${written++}`);
    };
    try {
      await write(20);
      // The first lines are in the stream: the agent has pushed, and been acknowledged, once.
      expect((await waitFor(nats.url, 20)).length).toBeGreaterThanOrEqual(20);
      for (let round = 0; round < 2; round++) {
        await write(15);
        agent.kill("SIGKILL");
        await agent.exited;
        await write(15);
        agent = runAgent(config);
      }
      await write(10);
      const logs = await waitFor(nats.url, written);
      const counts = new Map<string, number>();
      for (const l of logs) counts.set(l.line, (counts.get(l.line) ?? 0) + 1);
      const missing = [...Array(written).keys()].filter((i) => !counts.has(`journal-line ${i}`));
      const twice = [...counts].filter(([, n]) => n > 1).map(([line]) => line);
      expect({ missing, twice }).toEqual({ missing: [], twice: [] });
      const first = logs.find((l) => l.line === "journal-line 0")!;
      // logger's default priority is user.notice: level info; no unit (not started by systemd).
      expect(first.labels).toMatchObject({ job: "systemd-journal", level: "info" });
      expect(first.labels.unit).toBeUndefined();
    } finally {
      agent.kill("SIGKILL");
      await agent.exited;
    }
  });
});
