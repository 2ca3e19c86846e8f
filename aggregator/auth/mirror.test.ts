import { expect, test } from "bun:test";
import { heldWrites } from "../ingest/kv_held.ts";
import { MemoryKeyValueStore } from "../ingest/kv_memory.ts";
import { hashSecret } from "./secrets.ts";
import { AuthStore, TOKENS_BUCKET, USERS_BUCKET } from "./store.ts";

/**
 * Two aggregators on one set of buckets. B's writes can be held back, as a slow network or a
 * loaded NATS holds them, so a test can land them after A's.
 */
async function twoAggregators() {
  const buckets = new Map<string, MemoryKeyValueStore>();
  const bucket = (b: string) => buckets.get(b) ?? buckets.set(b, new MemoryKeyValueStore()).get(b)!;
  const views = new Map<string, ReturnType<typeof heldWrites>>();
  const held = (b: string) => views.get(b) ?? views.set(b, heldWrites(bucket(b))).get(b)!;
  let clock = 1_800_000_000_000;
  const now = () => clock;
  const a = new AuthStore({ kv: bucket, now });
  const b = new AuthStore({ kv: (name) => held(name).kv, now });
  await Promise.all([a.start(), b.start()]);
  await a.addUser("vera", "viewer", "vera-password-1");
  return {
    a,
    b,
    bucket,
    tick: (ms: number) => {
      clock += ms;
    },
    /** Holds B's writes until the returned function is awaited. */
    hold: (opts?: { answers?: boolean }) => {
      const releases = [...views.values()].map((v) => v.hold(opts));
      return async () => {
        for (const release of releases) await release();
      };
    },
  };
}

test("a token's last use written on B after A revoked it does not bring the token back", async () => {
  const { a, b, bucket, tick, hold } = await twoAggregators();
  const { token, secret } = await a.createToken({ name: "ci", owner: "vera" });
  tick(61_000); // B records the first use it sees a minute on
  const release = hold();
  expect((await b.checkToken(secret))?.user).toBe("vera"); // its last use is on its way
  await a.revokeToken(token.id);
  await release();
  expect(await bucket(TOKENS_BUCKET).get(hashSecret(secret))).toBeNull();
  expect(await a.checkToken(secret)).toBeNull();
  expect(await b.checkToken(secret)).toBeNull();
});

test("a token's last use is still recorded, and seen by the other aggregator", async () => {
  const { a, b, tick } = await twoAggregators();
  const { token, secret } = await a.createToken({ name: "ci", owner: "vera" });
  tick(61_000);
  expect((await b.checkToken(secret))?.user).toBe("vera");
  await Bun.sleep(0);
  const seen = a.listTokens().find((t) => t.id === token.id);
  expect(seen?.lastUsedAt).toBe(1_800_000_061_000);
});

test("a session's last request written on B after a logout on A does not bring it back", async () => {
  const { a, b, tick, hold } = await twoAggregators();
  const opened = await a.sessions.open("vera");
  tick(61_000);
  const release = hold();
  expect((await b.sessions.check(opened.id))?.user).toBe("vera");
  await a.sessions.end(opened.id);
  await release();
  expect(await a.sessions.check(opened.id)).toBeNull();
  expect(await b.sessions.check(opened.id)).toBeNull();
});

test("a user removed on A stays removed when B's change of them lands after", async () => {
  const { a, b, bucket, hold } = await twoAggregators();
  const release = hold();
  const changing = b.setRole("vera", "editor").then(String, (e: Error) => e.message);
  await Bun.sleep(0);
  await a.removeUser("vera");
  await release();
  expect(await changing).toBe('Cannot find user "vera"');
  expect(await bucket(USERS_BUCKET).get("vera")).toBeNull();
  expect(a.user("vera")).toBeUndefined();
  expect(b.user("vera")).toBeUndefined();
});

test("two changes of one user on two aggregators at once both hold", async () => {
  const { a, b, hold } = await twoAggregators();
  await a.addUser("ted", "viewer", "ted-password-1", ["default", "shop"]);
  const release = hold();
  const onB = b.setTenants("ted", ["shop"]); // read now, written after A's
  await Bun.sleep(0);
  await a.setRole("ted", "editor");
  await release();
  await onB;
  for (const store of [a, b]) {
    expect(store.user("ted")?.role).toBe("editor");
    expect(store.user("ted")?.tenants).toEqual(["shop"]);
  }
});

test("a user added on two aggregators at once is added once", async () => {
  const { a, b, hold } = await twoAggregators();
  const release = hold();
  const onB = b.addUser("sam", "admin", "sam-password-1").then(String, (e: Error) => e.message);
  await Bun.sleep(300); // B's hash done, its write held
  await a.addUser("sam", "viewer", "sam-password-2");
  await release();
  expect(await onB).toBe('Cannot add user "sam": it exists');
  expect(b.user("sam")?.role).toBe("viewer");
});

test("a token of a removed user does not work for a new user of the same name", async () => {
  const { a, b, bucket, tick } = await twoAggregators();
  const { secret } = await a.createToken({ name: "ci", owner: "vera" });
  const key = hashSecret(secret);
  const left = await bucket(TOKENS_BUCKET).get(key);
  await a.removeUser("vera");
  // As a token made on B while A removed vera is left behind (its write landing last).
  await bucket(TOKENS_BUCKET).put(key, left!);
  tick(1);
  await a.addUser("vera", "admin", "vera-password-2");
  expect(await a.checkToken(secret)).toBeNull();
  expect(await b.checkToken(secret)).toBeNull();
});

test("a user added on B whose answer comes after A changed them shows A's change on B", async () => {
  const { a, b, hold } = await twoAggregators();
  const release = hold({ answers: true });
  const adding = b.addUser("sam", "viewer", "sam-password-1"); // lands; the answer is held
  for (let i = 0; i < 100 && a.user("sam") === undefined; i++) await Bun.sleep(10);
  await a.setRole("sam", "editor");
  await release();
  await adding;
  expect(b.user("sam")?.role).toBe("editor");
});
