import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "nats";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { within } from "../runtime/deadline.ts";
import { closeNats } from "./close.ts";

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.dispose();
});

test("a close during a drain waits for that drain instead of leaving it hanging", async () => {
  const nc = await connect({ servers: nats.url });
  const sub = nc.subscribe("x.>");
  void (async () => {
    for await (const _ of sub);
  })();
  // Two stops of one connection at once, as a stop racing a start given up on made them.
  const first = closeNats(nc);
  const second = closeNats(nc);
  expect(
    await within(
      3_000,
      Promise.all([first, second]).then(() => true),
    ),
  ).toBe(true);
  expect(nc.isClosed()).toBe(true);
});

test("without a server to drain to, the close ends after the drain's time", async () => {
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url, reconnectTimeWait: 100 });
  nc.subscribe("x.>");
  await server.dispose();
  const began = performance.now();
  await closeNats(nc, 300);
  expect(nc.isClosed()).toBe(true);
  expect(performance.now() - began).toBeLessThan(3_000);
});

test("nats.js itself: a close under a drain leaves that drain unsettled (why closeNats shares one)", async () => {
  const nc = await connect({ servers: nats.url });
  nc.subscribe("x.>");
  const drain = nc.drain().then(() => true);
  await nc.close();
  expect(await within(1_000, drain)).toBe(false);
});
