import { describe, expect, test } from "bun:test";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import { KvNotificationLog, nflogKey } from "./kv_nflog.ts";

const GROUP = '{}/{severity="critical"}:{alertname="X"}';
const entry = (timestamp: number) => ({ firing: ["a", "b"], resolved: ["c"], timestamp });

function setup() {
  let now = 1_000;
  const kv = new MemoryKeyValueStore();
  const log = new KvNotificationLog(kv, "default", () => now);
  return { kv, log, setNow: (t: number) => (now = t) };
}

describe("KvNotificationLog", () => {
  test("get() reads what log() wrote, per integration and group", async () => {
    const { log } = setup();
    await log.log("r/webhook/0", GROUP, entry(900), 10_000);
    expect(await log.get("r/webhook/0", GROUP)).toEqual(entry(900));
    expect(await log.get("r/webhook/1", GROUP)).toBeUndefined();
    expect(await log.get("r/webhook/0", "{}:{}")).toBeUndefined();
  });

  test("a second log instance on the same store sees the first one's entries", async () => {
    const { kv, log } = setup();
    await log.log("r/webhook/0", GROUP, entry(900), 10_000);
    const other = new KvNotificationLog(kv, "default", () => 1_000);
    expect(await other.get("r/webhook/0", GROUP)).toEqual(entry(900));
    expect(await new KvNotificationLog(kv, "other").get("r/webhook/0", GROUP)).toBeUndefined();
  });

  test("an entry past its retention is not read, and collect() deletes it", async () => {
    const { kv, log, setNow } = setup();
    await log.log("r/webhook/0", GROUP, entry(900), 1_000);
    await log.log("r/webhook/0", "{}:{}", entry(900), 5_000);
    setNow(2_000);
    expect(await log.get("r/webhook/0", GROUP)).toBeUndefined();
    expect(await log.collect()).toBe(1);
    expect(await kv.keys()).toEqual([nflogKey("default", "r/webhook/0", "{}:{}")]);
  });

  test("keys are valid NATS KV keys whatever the group key holds", () => {
    expect(nflogKey("default", "r x/webhook/0", 'a="\xff*>"')).toMatch(/^[-/_=.a-zA-Z0-9]+$/);
  });
});
