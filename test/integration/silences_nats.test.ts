/**
 * Silences shared through a real nats-server: the KV seam passes the cases the in-memory one
 * passes, and two aggregators' silence stores on one bucket see each other's silences within
 * a second, through the API routes each would serve.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "nats";
import { keyValueCases } from "../../aggregator/ingest/kv.cases.ts";
import { natsKeyValue } from "../../aggregator/ingest/kv.ts";
import { silenceRoutes } from "../../aggregator/notify/api/silences.ts";
import { SILENCES_BUCKET, SilenceStore } from "../../aggregator/notify/silences/store.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

let server: NatsServerHandle;
const connections: NatsConnection[] = [];
const stores: SilenceStore[] = [];

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  for (const s of stores) s.stop();
  for (const nc of connections) await nc.close();
  await server.dispose();
});

async function aggregatorStore(): Promise<SilenceStore> {
  const nc = await connect({ servers: server.url });
  connections.push(nc);
  const store = new SilenceStore({ kv: natsKeyValue(nc, SILENCES_BUCKET) });
  await store.start();
  stores.push(store);
  return store;
}

/** Polls until `check` holds; returns how long it took. */
async function within(ms: number, check: () => boolean): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`Cannot see the change within ${ms} ms`);
    await Bun.sleep(10);
  }
  return Date.now() - start;
}

describe("natsKeyValue()", () => {
  let n = 0;
  keyValueCases(async () => {
    const nc = await connect({ servers: server.url });
    connections.push(nc);
    return natsKeyValue(nc, `TEST_KV_${++n}`);
  });
});

describe("silences shared by two aggregators", () => {
  test("a silence created through one aggregator's API is served by the other's within 5 s", async () => {
    const a = silenceRoutes(await aggregatorStore());
    const storeB = await aggregatorStore();
    const b = silenceRoutes(storeB);
    const now = Date.now();
    const res = await a.request("/api/v2/silences", {
      method: "POST",
      body: JSON.stringify({
        comment: "maintenance",
        createdBy: "ops",
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        matchers: [{ name: "alertname", value: "DiskFull", isRegex: false }],
      }),
    });
    const { silenceID } = (await res.json()) as { silenceID: string };
    await within(5_000, () => storeB.isSilenced({ alertname: "DiskFull" }).includes(silenceID));
    const got = await b.request(`/api/v2/silence/${silenceID}`);
    expect(((await got.json()) as { comment: string }).comment).toBe("maintenance");

    expect((await b.request(`/api/v2/silence/${silenceID}`, { method: "DELETE" })).status).toBe(
      200,
    );
    const storeA = stores[stores.length - 2];
    await within(5_000, () => (storeA.get(silenceID)?.endsAt ?? 0) < now + 3_600_000);
  });

  test("an aggregator that starts later loads the silences already in the bucket", async () => {
    const first = await aggregatorStore();
    const id = await first.set({
      matchers: [{ name: "job", value: "node", isRegex: false, isEqual: true }],
      startsAt: Date.now(),
      endsAt: Date.now() + 60_000,
      createdBy: "ops",
      comment: "",
    });
    const late = await aggregatorStore();
    expect(late.get(id)?.createdBy).toBe("ops");
  });
});
