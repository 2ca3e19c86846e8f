/**
 * The behaviour every `Bucket` shares, as one case suite that each implementation's test file
 * runs against its own bucket.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bucket, isObjectMissing } from "./bucket.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

/** Puts `keys` with their own names as bodies, `width` at a time. */
async function putAll(bucket: Bucket, keys: string[], width = 32): Promise<void> {
  for (let i = 0; i < keys.length; i += width) {
    await Promise.all(keys.slice(i, i + width).map((k) => bucket.put(k, bytes(k))));
  }
}

/** Registers the shared cases for buckets made by `open` (a fresh, empty bucket per call). */
export function bucketCases(name: string, open: () => Promise<Bucket>): void {
  describe(`${name} bucket`, () => {
    const scratch = mkdtemp(join(tmpdir(), "outpost-bucket-cases-"));
    afterAll(async () => rm(await scratch, { recursive: true, force: true }));

    test("get() returns what put() stored, byte for byte", async () => {
      const b = await open();
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      await b.put("a/all-bytes.bin", all);
      await b.put("a/empty", new Uint8Array(0));
      expect(await b.get("a/all-bytes.bin")).toEqual(all);
      expect(await b.get("a/empty")).toEqual(new Uint8Array(0));
    });

    test("get() returns null for a key that was never put", async () => {
      const b = await open();
      await b.put("x/y", bytes("1"));
      expect(await b.get("missing")).toBeNull();
      expect(await b.get("x/missing")).toBeNull();
      expect(await b.get("x")).toBeNull(); // a prefix is not an object
    });

    test("put() over an existing key replaces the object", async () => {
      const b = await open();
      await b.put("k", bytes("old and longer"));
      await b.put("k", bytes("new"));
      expect(text(await b.get("k"))).toBe("new");
      expect(await b.list("")).toEqual(["k"]);
    });

    test("list() returns the keys under a prefix, sorted", async () => {
      const b = await open();
      const keys = ["v1/t=b/h=02/z", "v1/t=a/h=10/f", "v1/t=a/h=01/f", "v1/t=a/h=01/e", "v2/x"];
      await putAll(b, keys);
      const cases: [string, string[]][] = [
        ["", [...keys].sort()],
        ["v1/", ["v1/t=a/h=01/e", "v1/t=a/h=01/f", "v1/t=a/h=10/f", "v1/t=b/h=02/z"]],
        ["v1/t=a/h=0", ["v1/t=a/h=01/e", "v1/t=a/h=01/f"]],
        ["v1/t=a/h=01/e", ["v1/t=a/h=01/e"]],
        ["v", [...keys].sort()],
        ["v3/", []],
        ["v1/t=c", []],
      ];
      for (const [prefix, want] of cases)
        expect([prefix, await b.list(prefix)]).toEqual([prefix, want]);
    });

    test("list() returns every key when there are more than 1000 (several pages)", async () => {
      const b = await open();
      const keys = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(4, "0")}`);
      await putAll(b, keys, 64);
      await b.put("other", bytes("not listed"));
      expect(await b.list("many/")).toEqual(keys);
      // 1,050 puts to s3rver took 3–4 s on a 2-core machine, over 5 s on a busy one.
    }, 30_000);

    test("delete() removes the object and does nothing for a missing one", async () => {
      const b = await open();
      await b.put("d/one", bytes("1"));
      await b.put("d/two", bytes("2"));
      await b.delete("d/one");
      await b.delete("d/one");
      await b.delete("never/there");
      expect(await b.get("d/one")).toBeNull();
      expect(await b.list("")).toEqual(["d/two"]);
      await b.delete("d/two");
      expect(await b.list("")).toEqual([]);
      await b.put("d/one", bytes("again"));
      expect(text(await b.get("d/one"))).toBe("again");
    });

    test("putFile() stores a copy of a local file and leaves the file in place", async () => {
      const b = await open();
      const local = join(await scratch, `upload-${crypto.randomUUID()}.parquet`);
      const body = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
      await writeFile(local, body);
      await b.putFile("p/file.parquet", local);
      expect(await b.get("p/file.parquet")).toEqual(body);
      expect(new Uint8Array(await readFile(local))).toEqual(body);
      await expect(b.putFile("p/nope", join(await scratch, "no-such-file"))).rejects.toThrow(
        /^Cannot upload ".*no-such-file" to .*object "p\/nope"/,
      );
    });

    test("move() puts the object under the new key and removes the old one", async () => {
      const b = await open();
      const body = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);
      await b.put("staging/v1/h=01/f.parquet", body);
      await b.put("staging/v1/h=01/other", bytes("stays"));
      expect(await b.move("staging/v1/h=01/f.parquet", "v1/h=01/f.parquet")).toBe(true);
      expect(await b.get("v1/h=01/f.parquet")).toEqual(body);
      expect(await b.list("")).toEqual(["staging/v1/h=01/other", "v1/h=01/f.parquet"]);
    });

    test("move() of a missing object returns false and changes nothing", async () => {
      const b = await open();
      await b.put("v1/kept", bytes("kept"));
      expect(await b.move("staging/v1/gone", "v1/gone")).toBe(false);
      expect(await b.move("staging/v1/gone", "v1/kept")).toBe(false);
      expect(await b.list("")).toEqual(["v1/kept"]);
      expect(text(await b.get("v1/kept"))).toBe("kept");
    });

    test("move() replaces an object already under the new key (a move retried)", async () => {
      const b = await open();
      await b.put("s/f", bytes("new"));
      await b.put("v/f", bytes("old"));
      expect(await b.move("s/f", "v/f")).toBe(true);
      expect(await b.list("")).toEqual(["v/f"]);
      expect(text(await b.get("v/f"))).toBe("new");
    });

    test("move() with a local copy stores that copy's bytes and leaves the file", async () => {
      const b = await open();
      const local = join(await scratch, `move-${crypto.randomUUID()}`);
      await writeFile(local, "local bytes");
      await b.putFile("s/m", local);
      expect(await b.move("s/m", "v/m", local)).toBe(true);
      expect(text(await b.get("v/m"))).toBe("local bytes");
      expect(await b.list("")).toEqual(["v/m"]);
      expect(await readFile(local, "utf8")).toBe("local bytes");
    });

    test("openLocal() gives a local file with the object's bytes until release()", async () => {
      const b = await open();
      await b.put("o/f.parquet", bytes("parquet bytes"));
      const [one, two] = await Promise.all([
        b.openLocal("o/f.parquet"),
        b.openLocal("o/f.parquet"),
      ]);
      expect(await readFile(one.path, "utf8")).toBe("parquet bytes");
      expect(two.path).toBe(one.path);
      one.release();
      one.release();
      two.release();
    });

    test("openLocal() of a missing key fails with the key in the message", async () => {
      const b = await open();
      const err = await b.openLocal("o/missing.parquet").catch((e: unknown) => e);
      expect(String(err)).toMatch(/^Error: Cannot .*object "o\/missing.parquet"/);
      // Told apart from other failures: a reader whose catalog is behind reads it again.
      expect(isObjectMissing(err)).toBe(true);
    });

    test.each([
      ["", "it is empty"],
      ["/a", "it starts with /"],
      ["a//b", "empty segment"],
      ["a/", "empty segment"],
      ["a/../b", '".." segment'],
      ["a/.tmp-1", "reserved"],
    ])("every method refuses the invalid key %p", async (key, reason) => {
      const b = await open();
      const calls = [
        () => b.put(key, bytes("x")),
        () => b.putFile(key, "/dev/null"),
        () => b.get(key),
        () => b.delete(key),
        () => b.move(key, "ok"),
        () => b.move("ok", key),
        () => b.openLocal(key),
      ];
      for (const call of calls) await expect(call()).rejects.toThrow(reason);
    });
  });
}
