import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type NatsConnection } from "nats";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { LEASE_BUCKET } from "./lease.ts";
import { messageIdKey, signedMessageId } from "./message_ids.ts";

let nats: NatsServerHandle;
let conns: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  conns = await Promise.all([1, 2, 3].map(() => connect({ servers: nats.url })));
});

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await nats.dispose();
});

test("aggregators starting at once all read one key, kept in the lease bucket", async () => {
  const keys = await Promise.all(conns.map((c) => messageIdKey(c)));
  expect(keys[0].length).toBe(32);
  for (const k of keys) expect(Buffer.from(k).equals(Buffer.from(keys[0]))).toBe(true);
  // Read again later (a restart), it is the same.
  expect(Buffer.from(await messageIdKey(conns[1])).equals(Buffer.from(keys[0]))).toBe(true);
  const kv = await conns[0].jetstream().views.kv(LEASE_BUCKET);
  expect((await kv.get("secret.message-ids"))?.operation).toBe("PUT");
});

test("a signed id is the same for one key and evaluation, and tells nothing of either", () => {
  const key = new Uint8Array(32).fill(7);
  const other = new Uint8Array(32).fill(8);
  const logical = "rules-team-b-00c0ffee00c0ffee-1764300000000";
  const id = signedMessageId(key, "team-b", logical);
  expect(id).toMatch(/^rules-team-b-[0-9a-f]{32}$/);
  expect(signedMessageId(key, "team-b", logical)).toBe(id);
  expect(signedMessageId(other, "team-b", logical)).not.toBe(id);
  expect(signedMessageId(key, "team-b", `${logical.slice(0, -1)}1`)).not.toBe(id);
  expect(id).not.toContain("1764300000000");
  // Alert history and audit batches keep their kind in front.
  expect(signedMessageId(key, "a", "history-a-batch-0123")).toMatch(/^history-a-[0-9a-f]{32}$/);
});
