import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { heldWrites } from "../../ingest/kv_held.ts";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import type { SilenceMatcher } from "./silence.ts";
import {
  DEFAULT_RETENTION_MS,
  MAX_SILENCE_BYTES,
  type SilenceInput,
  SilenceStore,
} from "./store.ts";

const H = 3_600_000;
const eq = (name: string, value: string): SilenceMatcher => ({
  name,
  value,
  isRegex: false,
  isEqual: true,
});

/** A store on a fresh (or given) in-memory bucket, with a clock the test moves. */
async function setup(kv = new MemoryKeyValueStore()) {
  const clock = { t: 1_000 * H };
  let n = 0;
  const store = new SilenceStore({ kv, now: () => clock.t, newId: () => `id-${++n}` });
  await store.start();
  return { kv, clock, store };
}

const input = (t: number, patch: Partial<SilenceInput> = {}): SilenceInput => ({
  matchers: [eq("alertname", "X")],
  startsAt: t,
  endsAt: t + H,
  createdBy: "me",
  comment: "why",
  ...patch,
});

describe("SilenceStore", () => {
  test("set() creates a silence with a new id, starting no earlier than now", async () => {
    const { store, clock } = await setup();
    const id = await store.set(input(clock.t - H));
    expect(id).toBe("id-1");
    expect(store.get(id)).toMatchObject({ startsAt: clock.t, updatedAt: clock.t });
  });

  test("set() updates an active silence in place when only its end and comment change", async () => {
    const { store, clock } = await setup();
    const id = await store.set(input(clock.t));
    clock.t += 1_000;
    const again = await store.set({
      ...input(clock.t - 1_000),
      id,
      endsAt: clock.t + 5 * H,
      comment: "c2",
    });
    expect(again).toBe(id);
    expect(store.get(id)).toMatchObject({
      comment: "c2",
      endsAt: clock.t + 5 * H,
      updatedAt: clock.t,
    });
  });

  test("set() expires an active silence whose matchers change and creates a new id", async () => {
    const { store, clock } = await setup();
    const id = await store.set(input(clock.t));
    clock.t += 1_000;
    const next = await store.set({ ...input(clock.t), id, matchers: [eq("alertname", "Y")] });
    expect(next).not.toBe(id);
    expect(store.get(id)?.endsAt).toBe(clock.t);
    clock.t += 1;
    expect(store.isSilenced({ alertname: "X" })).toEqual([]);
    expect(store.isSilenced({ alertname: "Y" })).toEqual([next]);
  });

  test("set() refuses an unknown id as not_found and a bad silence as invalid", async () => {
    const { store, clock } = await setup();
    await expect(store.set({ ...input(clock.t), id: "nope" })).rejects.toMatchObject({
      kind: "not_found",
      message: "silence not found",
    });
    await expect(store.set(input(clock.t, { matchers: [eq("a", "")] }))).rejects.toMatchObject({
      kind: "invalid",
    });
  });

  test("set() refuses a silence too large for one NATS message, and stores one just under", async () => {
    const { store, clock } = await setup();
    const big = "x".repeat(MAX_SILENCE_BYTES);
    await expect(store.set(input(clock.t, { comment: big }))).rejects.toMatchObject({
      kind: "invalid",
      message: expect.stringContaining(`silence invalid: too large:`),
    });
    const fits = await store.set(input(clock.t, { comment: "x".repeat(MAX_SILENCE_BYTES - 500) }));
    expect(store.get(fits)?.comment.length).toBe(MAX_SILENCE_BYTES - 500);
  });

  test("expire() ends an active silence now and a pending one starts and ends now", async () => {
    const { store, clock } = await setup();
    const active = await store.set(input(clock.t));
    const pending = await store.set(input(clock.t + H));
    clock.t += 1_000;
    await store.expire(active);
    await store.expire(pending);
    expect(store.get(active)).toMatchObject({ endsAt: clock.t });
    expect(store.get(pending)).toMatchObject({ startsAt: clock.t, endsAt: clock.t });
    await store.expire(active); // expiring again changes nothing and is no error
    await expect(store.expire("nope")).rejects.toMatchObject({ kind: "not_found" });
  });

  test("gc() deletes silences that ended more than the retention ago, from the bucket too", async () => {
    const { store, clock, kv } = await setup();
    const old = await store.set(input(clock.t));
    clock.t += 2 * H;
    const recent = await store.set(input(clock.t));
    await store.expire(recent);
    clock.t += DEFAULT_RETENTION_MS - 30 * 60_000;
    expect(await store.gc()).toBe(1);
    expect(store.get(old)).toBeUndefined();
    expect(await kv.keys()).toEqual([recent]);
  });

  test("two stores on one bucket see each other's silences, and start() loads what exists", async () => {
    const { store: a, kv, clock } = await setup();
    const id = await a.set(input(clock.t));
    const { store: b } = await setup(kv);
    expect(b.get(id)?.comment).toBe("why");
    await b.expire(id);
    expect(a.get(id)?.endsAt).toBe(b.get(id)?.endsAt);
  });

  test("a value that is not a silence is ignored and counted; the silence it replaced is dropped", async () => {
    const kv = new MemoryKeyValueStore();
    const registry = new Registry();
    const store = new SilenceStore({ kv, registry, now: () => 1_000 * H });
    await store.start();
    await kv.put("junk", new TextEncoder().encode("{"));
    expect(store.list()).toEqual([]);
    const id = await store.set(input(1_000 * H));
    expect(store.isSilenced({ alertname: "X" })).toEqual([id]);
    await kv.put(id, new TextEncoder().encode('{"id": 1}'));
    expect(store.get(id)).toBeUndefined();
    expect(store.isSilenced({ alertname: "X" })).toEqual([]);
    expect(registry.render()).toContain("outpost_notify_silences_undecodable_total 2");
  });

  test("isSilenced() gives active matching silences only, sorted", async () => {
    const { store, clock } = await setup();
    const regex = await store.set(
      input(clock.t, {
        matchers: [{ name: "severity", value: "crit.*", isRegex: true, isEqual: true }],
      }),
    );
    const both = await store.set(
      input(clock.t, { matchers: [eq("alertname", "X"), eq("team", "a")] }),
    );
    await store.set(input(clock.t + H)); // pending
    expect(store.isSilenced({ alertname: "X", team: "a", severity: "critical" })).toEqual(
      [regex, both].sort(),
    );
    expect(store.isSilenced({ alertname: "X", team: "b" })).toEqual([]);
    expect(store.isSilenced({ alertname: "X" }, clock.t + H + 1)).toEqual(["id-3"]);
  });

  test("an edit landing after another aggregator's expiry does not bring the silence back", async () => {
    const { kv, clock, store: a } = await setup();
    const id = await a.set(input(clock.t));
    const slow = heldWrites(kv);
    const b = new SilenceStore({ kv: slow.kv, now: () => clock.t, newId: () => "id-b" });
    await b.start();
    const release = slow.hold();
    clock.t += 1_000;
    const edit = b.set({
      ...input(clock.t - 1_000),
      id,
      comment: "longer",
      endsAt: clock.t + 2 * H,
    });
    await Bun.sleep(0);
    clock.t += 1_000;
    const expired = clock.t;
    await a.expire(id);
    clock.t += 1; // B's write comes back refused a moment later
    await release();
    // The edit is made on what the silence is now: ended, so a new one (as Alertmanager does).
    expect(await edit).toBe("id-b");
    const fresh = (await setup(kv)).store;
    for (const store of [a, b, fresh]) {
      expect(store.get(id)?.endsAt).toBe(expired);
      expect(store.get("id-b")).toMatchObject({
        comment: "longer",
        endsAt: expired - 1_000 + 2 * H,
      });
    }
  });
});
