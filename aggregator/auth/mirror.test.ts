import { expect, test } from "bun:test";
import type { KeyValueStore } from "../ingest/kv.ts";
import { MemoryKeyValueStore } from "../ingest/kv_memory.ts";
import { hashSecret } from "./secrets.ts";
import { AuthStore, TOKENS_BUCKET } from "./store.ts";

/**
 * Two aggregators on one set of buckets. B's writes can be held back, as a slow network or a
 * loaded NATS holds them, so a test can land them after A's.
 */
async function twoAggregators() {
  const buckets = new Map<string, MemoryKeyValueStore>();
  const bucket = (b: string) => buckets.get(b) ?? buckets.set(b, new MemoryKeyValueStore()).get(b)!;
  let gate: Promise<void> | null = null;
  const writes = async () => {
    await gate;
  };
  const held = (kv: KeyValueStore): KeyValueStore => ({
    get: (k) => kv.get(k),
    put: (k, v) => writes().then(() => kv.put(k, v)),
    publish: (k, v) => writes().then(() => kv.publish(k, v)),
    create: (k, v) => writes().then(() => kv.create(k, v)),
    update: (k, v, r) => writes().then(() => kv.update(k, v, r)),
    delete: (k) => kv.delete(k),
    keys: () => kv.keys(),
    watch: (w) => kv.watch(w),
  });
  let clock = 1_800_000_000_000;
  const now = () => clock;
  const a = new AuthStore({ kv: bucket, now });
  const b = new AuthStore({ kv: (name) => held(bucket(name)), now });
  await Promise.all([a.start(), b.start()]);
  await a.addUser("vera", "viewer", "vera-password-1");
  return {
    a,
    b,
    bucket,
    tick: (ms: number) => {
      clock += ms;
    },
    /** Holds B's writes until the returned function is called. */
    hold: () => {
      const { promise, resolve } = Promise.withResolvers<void>();
      gate = promise;
      return async () => {
        resolve();
        gate = null;
        await Bun.sleep(0);
      };
    },
  };
}

test("a token's last use written on B after A revoked it does not bring the token back", async () => {
  const { a, b, bucket, tick, hold } = await twoAggregators();
  const { token, secret } = await a.createToken({ name: "ci", owner: "vera" });
  tick(61_000); // B records the first use it sees a minute on
  const release = hold();
  expect(b.checkToken(secret)?.user).toBe("vera"); // its last use is on its way
  await a.revokeToken(token.id);
  await release();
  expect(await bucket(TOKENS_BUCKET).get(hashSecret(secret))).toBeNull();
  expect(a.checkToken(secret)).toBeNull();
  expect(b.checkToken(secret)).toBeNull();
});

test("a token's last use is still recorded, and seen by the other aggregator", async () => {
  const { a, b, tick } = await twoAggregators();
  const { token, secret } = await a.createToken({ name: "ci", owner: "vera" });
  tick(61_000);
  expect(b.checkToken(secret)?.user).toBe("vera");
  await Bun.sleep(0);
  const seen = a.listTokens().find((t) => t.id === token.id);
  expect(seen?.lastUsedAt).toBe(1_800_000_061_000);
});

test("a session's last request written on B after a logout on A does not bring it back", async () => {
  const { a, b, tick, hold } = await twoAggregators();
  const opened = await a.sessions.open("vera");
  tick(61_000);
  const release = hold();
  expect(b.sessions.check(opened.id)?.user).toBe("vera");
  await a.sessions.end(opened.id);
  await release();
  expect(a.sessions.check(opened.id)).toBeNull();
  expect(b.sessions.check(opened.id)).toBeNull();
});
