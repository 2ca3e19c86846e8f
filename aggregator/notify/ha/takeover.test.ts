import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import type { StoredAlert } from "../alerts.ts";
import { parseAlertmanagerConfig } from "../config/load.ts";
import { ManualClock } from "../dispatch/clock.ts";
import { Notifier } from "../notifier.ts";
import type { NotifyContext, Sender, SendResult } from "../receivers/integration.ts";
import type { NotifierLease } from "./leadership.ts";
import { NOTIFIER_LEASE_TTL } from "./runtime.ts";
import { SHARE_QUIET } from "./share_pacer.ts";

const CONFIG = `route:
  receiver: r
  group_by: [alertname]
  group_wait: 3s
  group_interval: 20s
  repeat_interval: 1h
receivers: [{name: r}]
`;

/** The lease as ingest/lease.ts keeps it in NATS KV, in one object; `down` cuts one holder off. */
class SharedLease {
  holder = "";
  expires = 0;
  readonly down = new Set<string>();
  /** Holders whose stop is clean: they give the lease up (else a stop stands for kill -9). */
  readonly clean = new Set<string>();
  for(name: string): NotifierLease {
    return {
      acquire: async (now = 0) => {
        if (this.down.has(name)) throw new Error("NATS is away");
        if (this.holder !== name && this.expires > now) return false;
        this.holder = name;
        this.expires = now + NOTIFIER_LEASE_TTL;
        return true;
      },
      release: async () => {
        if (this.clean.has(name) && this.holder === name) this.expires = 0;
      },
    };
  }
}

/** Records every notification, from whichever aggregator sends it. */
class Recorder implements Sender {
  readonly kind = "test";
  readonly sendResolved = true;
  readonly sent: { at: number; alerts: string }[] = [];
  constructor(private readonly clock: ManualClock) {}
  async send(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<SendResult> {
    const state = (a: StoredAlert) => (a.endsAt !== 0 && a.endsAt <= ctx.now ? "r" : "f");
    this.sent.push({
      at: this.clock.now(),
      alerts: alerts.map((a) => `${a.labels.alertname}/${a.labels.i}:${state(a)}`).join(","),
    });
    return { ok: true };
  }
}

async function cluster() {
  const clock = new ManualClock(1_000_000);
  const t0 = clock.now();
  const recorder = new Recorder(clock);
  const lease = new SharedLease();
  const kv = { alerts: new MemoryKeyValueStore(), nflog: new MemoryKeyValueStore() };
  const config = parseAlertmanagerConfig(CONFIG, "am.yml");
  const start = async (name: string) => {
    const n = new Notifier({
      config,
      registry: new Registry(),
      externalURL: "http://outpost",
      clock,
      receivers: new Map([["r", [recorder]]]),
    });
    await n.start({ ...kv, lease: lease.for(name), tenant: "default" });
    return n;
  };
  const a = await start("a");
  await clock.advance(10);
  const b = await start("b");
  await clock.advance(10);
  const post = (n: Notifier, alertname: string, i: string, endsAt?: number) =>
    n.receive([{ labels: { alertname, i }, endsAt }]);
  const sent = () => recorder.sent.map((s) => [s.at - t0, s.alerts]);
  return { clock, t0, a, b, lease, post, sent };
}

describe("the notifier shared by two aggregators", () => {
  test("only the lease holder dispatches: an alert posted to the other is notified once", async () => {
    const { clock, a, b, post, sent } = await cluster();
    expect([a.dispatcher !== null, b.dispatcher !== null]).toEqual([true, false]);
    post(b, "A", "1");
    expect(a.store.size).toBe(1);
    await clock.advance(60_000);
    expect(sent()).toEqual([[3_020, "A/1:f"]]);
  });

  test("the holder shares what it receives once posts pause; the other shares at once", async () => {
    const { clock, a, b, post } = await cluster();
    post(a, "A", "1");
    await clock.advance(SHARE_QUIET - 1);
    expect([a.store.size, b.store.size]).toEqual([1, 0]);
    await clock.advance(1);
    expect(b.store.size).toBe(1);
    post(b, "B", "1");
    expect(a.store.size).toBe(2);
  });

  test("a holder that stops shares what waits before it gives the lease up", async () => {
    const { clock, a, b, lease, post, sent } = await cluster();
    post(a, "A", "1");
    lease.clean.add("a");
    await a.stop();
    expect(b.store.size).toBe(1);
    await clock.advance(60_000);
    expect(sent()).toEqual([[3_020, "A/1:f"]]);
  });

  test("a holder killed during group_wait: the survivor flushes the group once, within group_wait + the TTL", async () => {
    const { clock, a, b, post, sent } = await cluster();
    post(a, "A", "1");
    await clock.advance(1_000);
    await a.stop(); // kill -9: its lease stays until it expires
    await clock.advance(60_000);
    expect(b.dispatcher).not.toBeNull();
    expect(sent()).toHaveLength(1);
    const [at, alerts] = sent()[0];
    expect(alerts).toBe("A/1:f");
    expect(at).toBeGreaterThanOrEqual(3_020);
    expect(at).toBeLessThanOrEqual(20 + 3_000 + NOTIFIER_LEASE_TTL + NOTIFIER_LEASE_TTL / 4);
  });

  test("a holder that stops cleanly hands over within a quarter of the TTL", async () => {
    const { clock, a, b, lease, post, sent } = await cluster();
    post(a, "A", "1");
    await clock.advance(1_000);
    lease.clean.add("a");
    await a.stop();
    expect(b.dispatcher).toBeNull();
    await clock.advance(NOTIFIER_LEASE_TTL / 4);
    expect(b.dispatcher).not.toBeNull();
    expect(lease.holder).toBe("b");
    await clock.advance(60_000);
    // Flushed by the survivor when group_wait ends, not a TTL later.
    expect(sent()).toEqual([[3_020, "A/1:f"]]);
  });

  test("after a takeover a notified group is not sent again, and a new alert waits for group_interval", async () => {
    const { clock, a, b, post, sent } = await cluster();
    post(a, "A", "1");
    await clock.advance(4_000); // notified at 3_020
    await a.stop();
    await clock.advance(NOTIFIER_LEASE_TTL + 1_000);
    expect(b.dispatcher).not.toBeNull();
    post(b, "A", "2");
    await clock.advance(60_000);
    // a's group would have flushed next at 23_020: the survivor keeps that time.
    expect(sent()).toEqual([
      [3_020, "A/1:f"],
      [23_020, "A/1:f,A/2:f"],
    ]);
  });

  test("an alert resolved after the takeover is notified resolved once", async () => {
    const { clock, a, b, post, sent } = await cluster();
    post(a, "A", "1");
    await clock.advance(4_000);
    await a.stop();
    await clock.advance(NOTIFIER_LEASE_TTL + 1_000);
    post(b, "A", "1", clock.now());
    await clock.advance(60_000);
    expect(sent().map((s) => s[1])).toEqual(["A/1:f", "A/1:r"]);
  });

  test("a holder cut off from NATS stops dispatching before the survivor can take over", async () => {
    const { clock, a, b, lease, post, sent } = await cluster();
    lease.down.add("a");
    const cut = clock.now();
    await clock.advance((3 * NOTIFIER_LEASE_TTL) / 4);
    expect(a.dispatcher).toBeNull();
    expect(lease.expires).toBeGreaterThan(clock.now()); // still a's: b must wait
    expect(b.dispatcher).toBeNull();
    await clock.advance(NOTIFIER_LEASE_TTL);
    expect(b.dispatcher).not.toBeNull();
    expect(clock.now() - cut).toBeLessThanOrEqual(2 * NOTIFIER_LEASE_TTL);
    post(a, "A", "1");
    await clock.advance(10_000);
    expect(sent()).toHaveLength(1);
    await b.stop();
  });
});
