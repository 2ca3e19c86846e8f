/**
 * The staging protocol as every bucket must carry it: one case suite that each bucket's test
 * file runs against its own bucket (a directory, s3rver), beside the seam's `bucket.cases.ts`.
 */
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import type { Bucket } from "../bucket/bucket.ts";
import { Catalog } from "../catalog/catalog.ts";
import { type FileEntry, objectKey } from "../catalog/entry.ts";
import { Pins } from "../union.ts";
import { promoteCommitted } from "./repair.ts";
import { openCommitted, stagingKey } from "./staging.ts";

const HOUR = Date.UTC(2024, 0, 1, 10);
const bytes = (text: string) => new TextEncoder().encode(text);

/** A catalog entry of a raw metrics file of `HOUR` (`level` 1: a merged file). */
function entry(kind: string, level = 0): FileEntry {
  const key = objectKey("t", "metrics", "raw", HOUR, "w", kind);
  return {
    key,
    tenant: "t",
    signal: "metrics",
    tier: "raw",
    hour: HOUR,
    minTime: HOUR,
    maxTime: HOUR + 1,
    rows: 1,
    bytes: 1,
    metrics: ["m"],
    seqs: [],
    level,
    created: Date.now(),
  };
}

/** Registers the staging cases for buckets made by `open` (a fresh, empty bucket per call). */
export function stagingCases(name: string, open: () => Promise<Bucket>): void {
  describe(`staging on a ${name}`, () => {
    async function setup() {
      const bucket = await open();
      const catalog = new Catalog({ bucket, writer: "w" });
      await catalog.load();
      /** Uploads `e` to staging, committed unless `commit` is false. */
      const stage = async (e: FileEntry, commit = true) => {
        await bucket.put(stagingKey(e.key), bytes(e.key));
        if (commit) await catalog.commit({ add: [e], remove: [] });
      };
      const v1 = () => bucket.list("v1/tenant=");
      return { bucket, catalog, stage, v1 };
    }

    test("openCommitted() reads a committed file in staging and after its promotion", async () => {
      const { bucket, stage } = await setup();
      const e = entry("flush");
      await stage(e);
      const before = await openCommitted(bucket, e.key);
      expect(await readFile(before.path, "utf8")).toBe(e.key);
      before.release();
      expect(await bucket.move(stagingKey(e.key), e.key)).toBe(true);
      const after = await openCommitted(bucket, e.key);
      expect(await readFile(after.path, "utf8")).toBe(e.key);
      after.release();
      await expect(openCommitted(bucket, entry("flush").key)).rejects.toThrow(/^Cannot /);
    });

    test("promoteCommitted() moves committed files into v1/ and leaves uncommitted ones", async () => {
      const { bucket, catalog, stage, v1 } = await setup();
      const committed = entry("flush");
      const uncommitted = entry("flush");
      await stage(committed);
      await stage(uncommitted, false);
      expect(await v1()).toEqual([]);
      expect(await promoteCommitted({ bucket, catalog })).toEqual({ promoted: 1, waiting: 0 });
      expect(await v1()).toEqual([committed.key]);
      expect(await bucket.list("staging/")).toEqual([stagingKey(uncommitted.key)]);
      expect(await promoteCommitted({ bucket, catalog })).toEqual({ promoted: 0, waiting: 0 });
    });

    test("a merged file waits in staging until the files it replaced are gone from v1/", async () => {
      const { bucket, catalog, stage, v1 } = await setup();
      const input = entry("flush");
      await stage(input);
      await promoteCommitted({ bucket, catalog });
      const merged = entry("compact", 1);
      await bucket.put(stagingKey(merged.key), bytes("merged"));
      await catalog.commit({ add: [merged], remove: [input.key] });
      // The input is still in v1/ (delete_delay): promoting now would show its rows twice.
      expect(await promoteCommitted({ bucket, catalog })).toEqual({ promoted: 0, waiting: 1 });
      expect(await v1()).toEqual([input.key]);
      await bucket.delete(input.key);
      expect(await promoteCommitted({ bucket, catalog })).toEqual({ promoted: 1, waiting: 0 });
      expect(await v1()).toEqual([merged.key]);
    });

    test("a flush file is promoted beside an orphan: it replaces nothing", async () => {
      const { bucket, catalog, stage, v1 } = await setup();
      const orphan = entry("flush");
      await bucket.put(orphan.key, bytes("removed from the catalog, not yet deleted"));
      const e = entry("flush");
      await stage(e);
      expect(await promoteCommitted({ bucket, catalog })).toEqual({ promoted: 1, waiting: 0 });
      expect((await v1()).sort()).toEqual([orphan.key, e.key].sort());
    });

    test("promoteCommitted() leaves a file a local query pins in staging", async () => {
      const { bucket, catalog, stage } = await setup();
      const e = entry("flush");
      await stage(e);
      const pins = new Pins();
      pins.pin([e.key]);
      expect(await promoteCommitted({ bucket, catalog, pins })).toEqual({
        promoted: 0,
        waiting: 1,
      });
      pins.unpin([e.key]);
      expect(await promoteCommitted({ bucket, catalog, pins })).toEqual({
        promoted: 1,
        waiting: 0,
      });
    });

    test("repairs running at once lose no file and leave none in staging", async () => {
      const { bucket, catalog, stage, v1 } = await setup();
      const files = Array.from({ length: 6 }, () => entry("flush"));
      for (const e of files) await stage(e);
      const other = new Catalog({ bucket, writer: "other" });
      await other.load();
      // On S3 both may move one file (download, upload, delete: the same bytes twice), and
      // s3rver answers some of the racing requests with an InternalError: a failed repair is
      // retried by the next one, so what counts is that a later repair finds nothing lost.
      await Promise.allSettled([
        promoteCommitted({ bucket, catalog }),
        promoteCommitted({ bucket, catalog: other }),
      ]);
      await promoteCommitted({ bucket, catalog });
      expect(await v1()).toEqual(files.map((e) => e.key).sort());
      expect(await bucket.list("staging/")).toEqual([]);
      for (const e of files) expect(await bucket.get(e.key)).toEqual(bytes(e.key));
    });
  });
}
