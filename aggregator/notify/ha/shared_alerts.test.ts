import { describe, expect, test } from "bun:test";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import { AlertStore, receiveAlert } from "../alerts.ts";
import { alertKey, SharedAlerts } from "./shared_alerts.ts";

const TIMEOUT = 300_000;
const alert = (now: number, over: { startsAt?: number; endsAt?: number } = {}) =>
  receiveAlert({ labels: { alertname: "X" }, ...over }, now, TIMEOUT);

async function pair() {
  const kv = new MemoryKeyValueStore();
  const stores = [new AlertStore(), new AlertStore()];
  const shared = stores.map((s) => new SharedAlerts(kv, s, "default"));
  for (const s of shared) await s.start();
  /** Receives as the notifier does: merged into the local store, then shared. */
  const receive = async (i: number, a: ReturnType<typeof alert>, now: number) => {
    stores[i].put([a], now);
    await shared[i].write([a]);
  };
  return { kv, stores, shared, receive };
}

describe("SharedAlerts", () => {
  test("an alert received by one aggregator is in every aggregator's store", async () => {
    const { kv, stores, receive } = await pair();
    const a = alert(1_000);
    await receive(0, a, 1_000);
    expect(stores[1].get(a.fingerprint)).toEqual(a);
    expect(await kv.keys()).toEqual([alertKey("default", a.fingerprint)]);
  });

  test("a re-sent alert is merged with the shared one wherever it arrives", async () => {
    const { stores, receive } = await pair();
    const first = alert(1_000, { startsAt: 500 });
    await receive(0, first, 1_000);
    await receive(1, alert(2_000, { startsAt: 900 }), 2_000);
    // Alertmanager's merge: the newer one with the earliest start.
    for (const s of stores)
      expect(s.get(first.fingerprint)).toMatchObject({ startsAt: 500, updatedAt: 2_000 });
  });

  test("an older value seen through the watch does not replace a newer local one", async () => {
    const { kv, stores, shared } = await pair();
    const newer = alert(2_000);
    stores[0].put([newer], 2_000);
    const older = new TextEncoder().encode(JSON.stringify(alert(1_000)));
    await kv.put(alertKey("default", newer.fingerprint), older);
    expect(stores[0].get(newer.fingerprint)?.updatedAt).toBe(2_000);
    expect(stores[1].get(newer.fingerprint)?.updatedAt).toBe(1_000);
    shared[0].stop();
  });

  test("start() shares the alerts received before it, and sees those already shared", async () => {
    const kv = new MemoryKeyValueStore();
    const early = new AlertStore();
    early.put([alert(1_000)], 1_000);
    await new SharedAlerts(kv, early, "default").start();
    const late = new AlertStore();
    await new SharedAlerts(kv, late, "default").start();
    expect(late.list()).toEqual(early.list());
    const otherTenant = new AlertStore();
    await new SharedAlerts(kv, otherTenant, "other").start();
    expect(otherTenant.size).toBe(0);
  });

  test("collect() deletes resolved alerts from the bucket and so from every store", async () => {
    const { kv, stores, shared, receive } = await pair();
    const resolved = alert(1_000, { startsAt: 100, endsAt: 900 });
    const firing = receiveAlert({ labels: { alertname: "Y" } }, 1_000, TIMEOUT);
    await receive(0, resolved, 1_000);
    await receive(0, firing, 1_000);
    expect(await shared[0].collect(1_000)).toBe(1);
    expect(await kv.keys()).toEqual([alertKey("default", firing.fingerprint)]);
    for (const s of stores)
      expect(s.list().map((a) => a.fingerprint)).toEqual([firing.fingerprint]);
  });
});
