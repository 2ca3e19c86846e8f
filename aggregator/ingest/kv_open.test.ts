import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type NatsConnection } from "nats";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { openKv } from "./kv.ts";

let nats: NatsServerHandle;
let conns: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  conns = await Promise.all([1, 2, 3, 4].map(() => connect({ servers: nats.url })));
});

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await nats.dispose();
});

// Four aggregators starting at once each open the same new bucket. nats-server answered some of
// those creates with "subjects overlap with an existing stream" (3 of 400 opens here through
// nats.js's `views.kv` alone), which stopped an aggregator's start (CI, 2026-11-28).
test("buckets opened by several programs at once open for every one of them", async () => {
  for (let round = 0; round < 100; round++) {
    const bucket = `RACE_${round}`;
    const opened = await Promise.all(conns.map((c) => openKv(c, bucket, 1)));
    await opened[0].put("k", new TextEncoder().encode(String(round)));
    for (const kv of opened) expect((await kv.get("k"))?.string()).toBe(String(round));
  }
}, 60_000);
