import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../host/testing.ts";
import { takeReply } from "./text.ts";
import { type MemcachedStats, writeMemcached } from "./write.ts";

/** Replies of Debian 12's memcached 1.6.18 after `set a`, `get a`, `get b` (testdata/). */
async function fixture(): Promise<MemcachedStats> {
  const read = async (name: string) => {
    const text = await Bun.file(join(import.meta.dir, `testdata/${name}.txt`)).text();
    const reply = takeReply(text);
    if (reply === null) throw new Error(`testdata/${name}.txt holds no whole reply`);
    return reply.stats;
  };
  return {
    stats: await read("stats"),
    settings: await read("settings"),
    items: await read("items"),
    slabs: await read("slabs"),
  };
}

const stats = await fixture();

describe("writeMemcached()", () => {
  const w = new RecordingWriter();
  writeMemcached(w, stats);

  test.each([
    ["memcached_up", {}, 1],
    ["memcached_version", { version: "1.6.18" }, 1],
    ["memcached_commands_total", { command: "get", status: "hit" }, 1],
    ["memcached_commands_total", { command: "get", status: "miss" }, 1],
    ["memcached_commands_total", { command: "set", status: "hit" }, 1],
    ["memcached_commands_total", { command: "flush", status: "hit" }, 0],
    ["memcached_commands_total", { command: "cas", status: "badval" }, 0],
    ["memcached_current_items", {}, 1],
    ["memcached_limit_bytes", {}, 67108864],
    ["memcached_process_system_cpu_seconds_total", {}, 0.006601],
    ["memcached_max_connections", {}, 1024],
    ["memcached_lru_crawler_enabled", {}, 1],
    ["memcached_lru_crawler_maintainer_thread", {}, 1],
    ["memcached_lru_crawler_hot_percent", {}, 20],
    ["memcached_slab_current_items", { slab: "1" }, 1],
    ["memcached_slab_lru_hits_total", { slab: "1", lru: "hot" }, 1],
    ["memcached_slab_chunk_size_bytes", { slab: "1" }, 96],
    ["memcached_slab_chunks_used", { slab: "1" }, 1],
    ["memcached_slab_commands_total", { slab: "1", command: "get", status: "hit" }, 1],
    ["memcached_slab_commands_total", { slab: "1", command: "set", status: "hit" }, 1],
  ] as const)("writes %s%o = %d", (name, labels, value) => {
    expect(w.value(name, labels)).toBe(value);
  });

  test("declares each family once with the exporter's type", () => {
    expect(w.families.get("memcached_uptime_seconds")?.type).toBe("counter");
    expect(w.families.get("memcached_current_connections")?.type).toBe("gauge");
    expect(w.families.get("memcached_slab_mem_requested_bytes")?.type).toBe("counter");
  });

  test("per-slab commands have hits only, as the exporter writes them", () => {
    expect(
      w.value("memcached_slab_commands_total", { slab: "1", command: "get", status: "miss" }),
    ).toBeUndefined();
  });
});

describe("writeMemcached() on bad input", () => {
  test("a stat that is not a number throws naming it", () => {
    const bad = { ...stats, stats: new Map([...stats.stats, ["curr_items", "many"]]) };
    expect(() => writeMemcached(new RecordingWriter(), bad)).toThrow(
      'Cannot parse memcached stat curr_items: "many" is not a number',
    );
  });

  test("a server without the LRU crawler writes no lru_crawler settings", () => {
    const off = { ...stats, settings: new Map([...stats.settings, ["lru_crawler", "no"]]) };
    const w = new RecordingWriter();
    writeMemcached(w, off);
    expect(w.families.has("memcached_lru_crawler_enabled")).toBe(false);
    expect(w.value("memcached_max_connections")).toBe(1024);
  });
});

describe("takeReply()", () => {
  test.each([
    ["an incomplete reply waits", "STAT pid 1\r\nSTAT up", null],
    ["a whole reply ends at END", "STAT pid 1\r\nEND\r\nSTAT", { pid: "1" }],
    [
      "an error line ends it with the server's words",
      "CLIENT_ERROR unauthenticated\r\n",
      "CLIENT_ERROR unauthenticated",
    ],
  ] as const)("%s", (_, text, want) => {
    const got = takeReply(text);
    if (want === null) expect(got).toBeNull();
    else if (typeof want === "string") expect(got?.error).toBe(want);
    else expect(Object.fromEntries(got?.stats ?? [])).toEqual(want);
  });
});
