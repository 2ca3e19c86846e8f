import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import { AlertStore, receiveAlert } from "../alerts.ts";
import { type Clock, ManualClock, type Timer } from "../dispatch/clock.ts";
import { SharedNotifier } from "./runtime.ts";

/** The clock, counting the calls scheduled for each delay. */
class CountingClock implements Clock {
  readonly scheduled = new Map<number, number>();
  constructor(readonly inner: ManualClock) {}
  now(): number {
    return this.inner.now();
  }
  after(ms: number, fn: () => void): Timer {
    this.scheduled.set(ms, (this.scheduled.get(ms) ?? 0) + 1);
    return this.inner.after(ms, fn);
  }
  /** The calls scheduled 1 s ahead: the retry timer's. */
  get retries(): number {
    return this.scheduled.get(1_000) ?? 0;
  }
}

/** A bucket whose writes fail while `down`. */
class FlakyKv extends MemoryKeyValueStore {
  down = false;
  override async publish(key: string, value: Uint8Array): Promise<void> {
    if (this.down) throw new Error("NATS is away");
    return super.publish(key, value);
  }
}

async function notifier() {
  const manual = new ManualClock(1_000_000);
  const clock = new CountingClock(manual);
  const alerts = new FlakyKv();
  const store = new AlertStore();
  const shared = new SharedNotifier(
    {
      alerts,
      nflog: new MemoryKeyValueStore(),
      lease: { acquire: async () => true },
      tenant: "default",
    },
    store,
    clock,
    new Registry(),
    { startDispatcher: async () => {}, stopDispatcher: async () => {}, gcInterval: 60_000 },
  );
  await shared.start();
  const receive = async (name: string) => {
    const a = receiveAlert({ labels: { alertname: name } }, manual.now(), 300_000);
    store.put([a], manual.now());
    // Not the holder's pacing: another aggregator's write, at once.
    await shared.alerts.write([a]);
    return a;
  };
  return { manual, clock, alerts, shared, receive };
}

describe("SharedNotifier's retry timer", () => {
  test("a notifier with nothing to share does not wake for it", async () => {
    const { manual, clock, shared } = await notifier();
    await manual.advance(60_000);
    expect(clock.retries).toBe(0);
    await shared.stop();
  });

  test("a write that failed is retried every second until it lands, then the timer stops", async () => {
    const { manual, clock, alerts, shared, receive } = await notifier();
    alerts.down = true;
    const a = await receive("A");
    expect(shared.alerts.waiting).toBe(true);
    await manual.advance(3_000);
    expect(clock.retries).toBeGreaterThanOrEqual(3);
    expect(await alerts.keys()).toEqual([]);
    alerts.down = false;
    await manual.advance(1_000);
    expect(await alerts.keys()).toEqual([`default.${a.fingerprint}`]);
    expect(shared.alerts.waiting).toBe(false);
    const after = clock.retries;
    await manual.advance(30_000);
    expect(clock.retries).toBe(after);
    // A later wait arms it again.
    alerts.down = true;
    await receive("B");
    alerts.down = false;
    await manual.advance(1_000);
    expect(clock.retries).toBe(after + 1);
    expect((await alerts.keys()).length).toBe(2);
    await shared.stop();
  });

  test("an extension held back keeps the timer running until it is written", async () => {
    const { manual, clock, alerts, shared, receive } = await notifier();
    const a = await receive("A");
    await manual.advance(2_000);
    const before = clock.retries;
    // Re-sent 10 s later: only endsAt moves (by 10 s of a 300 s validity), so it waits.
    await manual.advance(8_000);
    await receive("A");
    expect(shared.alerts.waiting).toBe(true);
    const key = `default.${a.fingerprint}`;
    const shared0 = JSON.parse(
      new TextDecoder().decode((await alerts.get(key)) ?? new Uint8Array()),
    );
    // Not yet a minute later; written once the shared copy has less left than half of the
    // extension's validity: 290 s after the first receipt.
    await manual.advance(60_000);
    expect(await alerts.get(key)).toEqual(new TextEncoder().encode(JSON.stringify(shared0)));
    await manual.advance(221_000);
    const shared1 = JSON.parse(
      new TextDecoder().decode((await alerts.get(key)) ?? new Uint8Array()),
    );
    expect(shared1.endsAt).toBeGreaterThan(shared0.endsAt);
    expect(shared.alerts.waiting).toBe(false);
    expect(clock.retries - before).toBeGreaterThan(100);
    const after = clock.retries;
    await manual.advance(30_000);
    expect(clock.retries).toBe(after);
    await shared.stop();
  });
});
