/**
 * IngestConsumer's stop and close against a start still under way, as an aggregator's stop
 * meets them after a start given up on (aggregator.ts `startConsumer`), over a real
 * nats-server: every path ends within seconds and leaves no connection behind.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import { within } from "../../shared/runtime/deadline.ts";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { parseAggregatorConfig } from "../config/load.ts";
import { IngestConsumer, type IngestSink } from "./consumer.ts";

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.dispose();
});

/** Takes every batch (none is published here). */
const sink: IngestSink = {
  accept: () => true,
  isCommitted: async () => false,
  drained: async () => {},
};

function consumer(): IngestConsumer {
  const yaml = `nats:\n  url: ${nats.url}\n`;
  return new IngestConsumer({
    nats: parseAggregatorConfig(yaml, "/tmp/consumer-test.yaml").nats,
    name: "consumer-test",
    sink,
    registry: new Registry(),
  });
}

/** Client connections the server holds (its monitoring endpoint). */
async function connections(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${nats.monitorPort}/connz`);
  return ((await res.json()) as { num_connections: number }).num_connections;
}

async function noConnectionsLeft(): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if ((await connections()) === 0) return true;
    await Bun.sleep(50);
  }
  return false;
}

test("a close before the connection comes closes it as it arrives, and the start fails", async () => {
  const c = consumer();
  const starting = c.start();
  await c.stop();
  await c.close();
  expect(
    await starting.then(
      () => "started",
      (err) => String(err),
    ),
  ).toContain("closed while connecting");
  expect(await noConnectionsLeft()).toBe(true);
});

test("a stop during the setup and closes from two callers at once all end, nothing left", async () => {
  for (const waitMs of [0, 5, 20, 50]) {
    const c = consumer();
    const starting = c.start().catch(() => {});
    await Bun.sleep(waitMs);
    await c.stop();
    // The aggregator's stop and the start given up on each close the same consumer.
    const closed = Promise.all([c.close(), starting.then(() => c.close()), c.close()]);
    expect(
      await within(
        8_000,
        closed.then(() => true),
      ),
    ).toBe(true);
    expect(await noConnectionsLeft()).toBe(true);
  }
});
