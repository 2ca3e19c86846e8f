import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeliveredOffsets } from "./log_delivered.ts";

describe("DeliveredOffsets", () => {
  test("a restart reads back the offsets, never moving one backwards", () => {
    const path = join(mkdtempSync(join(tmpdir(), "outpost-delivered-")), "d.json");
    const a = new DeliveredOffsets(path, () => 1_000);
    a.advance(new Map([["f1", 100]]));
    a.advance(
      new Map([
        ["f1", 50],
        ["f2", 7],
      ]),
    );
    expect(Object.fromEntries(new DeliveredOffsets(path).load())).toEqual({ f1: 100, f2: 7 });
  });

  test("entries a minute older than the newest are not honoured: their files may be long gone", () => {
    const path = join(mkdtempSync(join(tmpdir(), "outpost-delivered-")), "d.json");
    let now = 0;
    const a = new DeliveredOffsets(path, () => now);
    a.advance(new Map([["gone", 500]]));
    now = 30_000;
    a.advance(new Map([["recent", 10]]));
    now = 75_000;
    a.advance(new Map([["newest", 3]]));
    expect(Object.fromEntries(new DeliveredOffsets(path).load())).toEqual({
      recent: 10,
      newest: 3,
    });
  });

  test("an unreadable file is no offsets", () => {
    const dir = mkdtempSync(join(tmpdir(), "outpost-delivered-"));
    writeFileSync(join(dir, "d.json"), "{not json");
    expect(new DeliveredOffsets(join(dir, "d.json")).load().size).toBe(0);
  });
});
