import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "nats";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { Lease } from "./lease.ts";

let nats: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc.close();
  await nats.dispose();
});

describe("Lease", () => {
  test("one holder at a time, renewals keep it, expiry hands it over", async () => {
    const a = new Lease(nc, "chore", "a", 1_000);
    const b = new Lease(nc, "chore", "b", 1_000);
    const t = Date.now();
    expect(await a.acquire(t)).toBe(true);
    expect(await b.acquire(t + 10)).toBe(false);
    expect(await a.acquire(t + 500)).toBe(true);
    expect(await b.acquire(t + 1_200)).toBe(false); // a renewed at t+500: valid until t+1500
    expect(await b.acquire(t + 1_600)).toBe(true);
    expect(await a.acquire(t + 1_700)).toBe(false);
  });

  test("a holder renews with one message to NATS, and learns of a takeover all the same", async () => {
    const a = new Lease(nc, "renew", "a", 1_000);
    const b = new Lease(nc, "renew", "b", 1_000);
    const t = Date.now();
    expect(await a.acquire(t)).toBe(true);
    const before = nc.stats().outMsgs;
    expect(await a.acquire(t + 500)).toBe(true);
    expect(nc.stats().outMsgs - before).toBe(1);
    expect(await b.acquire(t + 1_600)).toBe(true);
    expect(await a.acquire(t + 1_700)).toBe(false);
    expect(await b.acquire(t + 1_800)).toBe(true);
  });

  test("a released lease is free at once; a release after a takeover changes nothing", async () => {
    const a = new Lease(nc, "release", "a", 60_000);
    const b = new Lease(nc, "release", "b", 60_000);
    const t = Date.now();
    expect(await a.acquire(t)).toBe(true);
    expect(await b.acquire(t + 10)).toBe(false);
    await a.release();
    expect(await b.acquire(t + 20)).toBe(true);
    await a.release(); // no longer a's: nothing written
    expect(await a.acquire(t + 30)).toBe(false);
    const c = new Lease(nc, "release", "c", 60_000);
    expect(await c.acquire(t + 40)).toBe(false);
  });

  test("a holder that releases a lease taken over since its last renewal leaves it to the new holder", async () => {
    const a = new Lease(nc, "stale-release", "a", 1_000);
    const b = new Lease(nc, "stale-release", "b", 1_000);
    const t = Date.now();
    expect(await a.acquire(t)).toBe(true);
    expect(await b.acquire(t + 1_500)).toBe(true); // a's expired; a has not tried since
    await a.release(); // a still believes it holds it: the compare-and-set must refuse
    const c = new Lease(nc, "stale-release", "c", 1_000);
    expect(await c.acquire(t + 1_600)).toBe(false);
    expect(await b.acquire(t + 1_700)).toBe(true);
  });

  test("two contenders for a free lease: exactly one wins", async () => {
    const t = Date.now();
    const contenders = ["x", "y", "z"].map((id) => new Lease(nc, "race", id, 60_000));
    const won = await Promise.all(contenders.map((l) => l.acquire(t)));
    expect(won.filter(Boolean).length).toBe(1);
  });
});
