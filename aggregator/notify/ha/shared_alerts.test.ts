import { describe, expect, test } from "bun:test";
import type { KvWatcher } from "../../ingest/kv.ts";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import { AlertStore, receiveAlert } from "../alerts.ts";
import { alertKey, CONFIRM_TIMEOUT, SharedAlerts } from "./shared_alerts.ts";

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

  test("collect() leaves an alert that fired again on another aggregator, not yet seen here", async () => {
    const { clock, stores, shared, deliver } = await clockedPair(true);
    const x = receiveAlert({ labels: { alertname: "X" }, endsAt: 900 }, 0, TIMEOUT);
    stores[0].put([x], 0);
    await shared[0].write([x]);
    deliver();
    clock.t = 1_000; // resolved at 900: due for collection on aggregator 0
    const again = receiveAlert({ labels: { alertname: "X" } }, 1_000, TIMEOUT);
    stores[1].put([again], 1_000);
    await shared[1].write([again]); // in the bucket; aggregator 0's watch has yet to bring it
    expect(await shared[0].collect(1_000)).toBe(0);
    deliver();
    for (const store of stores)
      expect(view(store, 1_000)).toMatchObject([{ fp: x.fingerprint, resolved: false }]);
  });
});

/** Two aggregators on one bucket at clock `t`, writing every alert (`reference`) or not. */
/** The memory store with its watch's deliveries held until `deliver()`, as NATS's come later. */
class DelayedKv extends MemoryKeyValueStore {
  private queue: (() => void)[] = [];

  override watch(w: KvWatcher): Promise<() => void> {
    return super.watch({
      change: (c) => this.queue.push(() => w.change(c)),
      ready: () => w.ready(),
    });
  }

  /** Delivers what is held, and what that makes the watchers write, until nothing is left. */
  deliver(): void {
    while (this.queue.length > 0) {
      const queue = this.queue;
      this.queue = [];
      for (const f of queue) f();
    }
  }
}

async function clockedPair(reference: boolean) {
  const kv = new DelayedKv();
  let puts = 0;
  const put = kv.put.bind(kv);
  kv.put = (key, value) => {
    puts++;
    return put(key, value);
  };
  const clock = { t: 0 };
  const stores = [new AlertStore(), new AlertStore()];
  const shared = stores.map(
    (s) => new SharedAlerts(kv, s, "default", { reference, now: () => clock.t }),
  );
  const started = Promise.all(shared.map((s) => s.start()));
  kv.deliver();
  await started;
  return { clock, stores, shared, puts: () => puts, deliver: () => kv.deliver() };
}

/** What a store shows at `t`: each alert's content and whether it is resolved. */
const view = (store: AlertStore, t: number) =>
  store
    .list()
    .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))
    .map((a) => ({
      fp: a.fingerprint,
      resolved: a.endsAt <= t,
      annotations: a.annotations,
      startsAt: a.startsAt,
      timeout: a.timeout,
    }));

describe("SharedAlerts waiting with extensions", () => {
  test.each([
    ["seen at once", 1],
    ["seen up to 3 s late", 3],
  ])(
    "every store shows what it shows when every alert is written, with far fewer writes: watch %s",
    async (_name, every) => {
      const sides = [await clockedPair(true), await clockedPair(false)];
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const version = [0, 0, 0, 0, 0];
      for (let t = 1_000; t <= 1_800_000; t += 1_000) {
        const r = random();
        const fp = Math.floor(random() * 5);
        const at = random() < 0.5 ? 0 : 1;
        if (r < 0.6) {
          // Each alert re-sent every ~8 s on average, as a sender would, with its own validity.
          if (random() < 0.05) version[fp]++;
          const kind = random();
          const endsAt = kind < 0.05 ? t : kind < 0.1 ? undefined : t + (fp + 1) * 40_000;
          for (const side of sides) {
            side.clock.t = t;
            const a = receiveAlert(
              {
                labels: { alertname: "X", n: String(fp) },
                annotations: { v: String(version[fp]) },
                startsAt: 500,
                endsAt,
              },
              t,
              TIMEOUT,
            );
            side.stores[at].put([a], t);
            await side.shared[at].write([a]);
          }
        }
        for (const side of sides) {
          side.clock.t = t;
          for (const s of side.shared) await s.refresh();
        }
        if ((t / 1_000) % every !== 0) continue;
        for (const side of sides) side.deliver();
        for (const i of [0, 1])
          expect(view(sides[1].stores[i], t)).toEqual(view(sides[0].stores[i], t));
      }
      expect(sides[1].puts()).toBeLessThan(sides[0].puts() / 2);
    },
  );

  test("the shared copy outlives the last re-send by half its validity when its receiver dies", async () => {
    const { clock, stores, shared, deliver } = await clockedPair(false);
    const V = 240_000;
    let a = receiveAlert({ labels: { alertname: "X" } }, 0, TIMEOUT);
    for (clock.t = 0; clock.t <= 600_000; clock.t += 15_000) {
      a = receiveAlert(
        { labels: { alertname: "X" }, startsAt: 1, endsAt: clock.t + V },
        clock.t,
        TIMEOUT,
      );
      stores[0].put([a], clock.t);
      await shared[0].write([a]);
      await shared[0].refresh();
      deliver();
      expect(stores[1].firing(clock.t)).toHaveLength(1);
    }
    // Aggregator 0 is gone: no more refresh. The other still sees the alert for V/2.
    const last = a.updatedAt;
    expect(stores[1].firing(last + V / 2)).toHaveLength(1);
    expect(stores[1].get(a.fingerprint)?.endsAt).toBeLessThanOrEqual(last + V);
  });
});

test("a write lost on its way is written again once the watch has not brought it back", async () => {
  const kv = new MemoryKeyValueStore();
  const publish = kv.publish.bind(kv);
  let drop = 1;
  kv.publish = async (key, value) => {
    if (drop-- > 0) return; // sent, never stored
    await publish(key, value);
  };
  let t = 1_000;
  const errors: string[] = [];
  const stores = [new AlertStore(), new AlertStore()];
  const shared = stores.map(
    (s) => new SharedAlerts(kv, s, "default", { now: () => t, onError: (op) => errors.push(op) }),
  );
  for (const s of shared) await s.start();
  const a = alert(t);
  stores[0].put([a], t);
  await shared[0].write([a]);
  await shared[0].retry();
  expect(stores[1].size).toBe(0);
  t += CONFIRM_TIMEOUT + 1;
  await shared[0].retry();
  expect(stores[1].get(a.fingerprint)).toEqual(a);
  expect(errors).toEqual(["write"]);
  t += CONFIRM_TIMEOUT + 1;
  await shared[0].retry();
  expect(errors).toEqual(["write"]);
});
