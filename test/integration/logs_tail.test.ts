/**
 * The file source end to end, as a separate agent process: a writer appends 5,000 lines/s
 * while the test rotates the file by rename and by copytruncate and kills the agent with
 * SIGKILL twice; then NATS goes away for a while. Every line must arrive exactly once, in
 * order per file.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import type { ReceivedLog } from "../harness/stream.ts";
import { audit, runs, TailAgents, Writer, waitForLines, writeTailConfig } from "../harness/tail.ts";

/** Each line once, and per file in the order written; says where when not. */
function checkExactlyOnce(logs: ReceivedLog[], total: number, writer: Writer, agents: TailAgents) {
  const { missing, twice, disorder } = audit(logs, total);
  if (missing.length + twice.length + disorder.length > 0) {
    // Say which rotation or kill the lines sat next to.
    console.error(
      `missing: ${runs(missing)}\ntwice: ${runs(twice)}\nout of order: ${disorder.slice(0, 5).join(", ")}`,
    );
    console.error(`writer:\n${writer.events.join("\n")}\nagents:\n${agents.log.join("")}`);
  }
  expect({ missing: missing.slice(0, 10), missingCount: missing.length }).toEqual({
    missing: [],
    missingCount: 0,
  });
  expect(twice.slice(0, 10)).toEqual([]);
  expect(disorder.slice(0, 10)).toEqual([]);
}

describe("file source (agent process)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /** A nats-server, an agent config tailing `<dir>/logs/app.log*`, and a running writer. */
  async function scenario(prefix: string) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(dir, "logs"));
    const nats: NatsServerHandle = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const writer = new Writer(join(dir, "logs"));
    writer.start();
    return { nats, agents: new TailAgents(writeTailConfig(dir, nats.url)), writer };
  }

  test(
    "rotations by rename and copytruncate and two kill -9 lose and repeat no line",
    async () => {
      const { nats, agents, writer } = await scenario("outpost-tail-");
      let agent = agents.start();
      const steps: (() => void | Promise<void>)[] = [
        () => writer.rotateByRename(),
        () => writer.rotateByCopyTruncate(),
        async () => {
          writer.events.push(`${writer.seq} kill -9`);
          agent.kill("SIGKILL");
          await agent.exited;
          agent = agents.start();
        },
        () => writer.rotateByRename(),
        () => writer.rotateByCopyTruncate(),
        async () => {
          writer.events.push(`${writer.seq} kill -9, 300 ms down`);
          agent.kill("SIGKILL");
          await agent.exited;
          await Bun.sleep(300);
          agent = agents.start();
        },
        () => writer.rotateByCopyTruncate(),
        () => writer.rotateByRename(),
      ];
      try {
        for (const step of steps) {
          await Bun.sleep(700);
          await step();
        }
        await Bun.sleep(700);
        // A loaded machine writes more slowly: go on writing until the scenario holds enough
        // lines to mean something (at most 20 s more), rather than fail for the machine.
        for (const until = Date.now() + 20_000; writer.seq <= 20_000 && Date.now() < until; )
          await Bun.sleep(100);
        writer.stop();
        const total = writer.seq;
        expect(total).toBeGreaterThan(20_000);
        checkExactlyOnce(await waitForLines(nats.url, total), total, writer, agents);
      } finally {
        writer.stop();
        agent.kill("SIGKILL");
        await agent.exited;
      }
    },
    { timeout: 120_000 },
  );

  test(
    "NATS away for 30 s while the file grows: nothing is lost",
    async () => {
      const { nats, agents, writer } = await scenario("outpost-tail-outage-");
      const agent = agents.start();
      try {
        await Bun.sleep(2_000);
        await nats.stop();
        await Bun.sleep(30_000);
        await nats.restart();
        await Bun.sleep(1_000);
        writer.stop();
        const total = writer.seq;
        checkExactlyOnce(await waitForLines(nats.url, total), total, writer, agents);
      } finally {
        writer.stop();
        agent.kill("SIGKILL");
        await agent.exited;
      }
    },
    { timeout: 120_000 },
  );
});
