/**
 * An aggregator's start aborted at every moment, in-process (the signal a stop signal aborts,
 * shared/runtime/daemon.ts): the start gives up or finishes, the stop after it ends within
 * seconds, and nothing is left as an unhandled rejection, which Bun answers by ending the
 * process with status 1 (bun test fails a test that leaves one). daemon_stop.test.ts does the
 * same with real signals to a process, at a few moments.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aggregator } from "../../aggregator/aggregator.ts";
import { testAggregatorConfig } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

let nats: NatsServerHandle;
const dirs: string[] = [];
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("a start aborted at any moment gives up cleanly, and its stop ends within seconds", async () => {
  const slowest: number[] = [];
  const failed: string[] = [];
  // Every 20 ms over the first 600 ms: a start here takes ~300 ms, its KV watches a few each.
  for (let at = 0; at <= 600; at += 20) {
    const dir = mkdtempSync(join(tmpdir(), "aggregator-abort-"));
    dirs.push(dir);
    const { config } = await testAggregatorConfig({
      id: "abort",
      natsUrl: nats.url,
      dataDir: dir,
      storage: { type: "dir", path: join(dir, "bucket") },
    });
    const aggregator = new Aggregator(config);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort("SIGINT"), at);
    // A start either finishes or gives up because of the abort; no other error.
    await aggregator.start(controller.signal).catch((err) => {
      if (!controller.signal.aborted) failed.push(`at ${at} ms: ${String(err)}`);
    });
    clearTimeout(timer);
    const began = performance.now();
    await aggregator.stop();
    slowest.push(performance.now() - began);
  }
  expect(failed).toEqual([]);
  expect(Math.max(...slowest)).toBeLessThan(5_000);
}, 120_000);
