import { describe, expect, test } from "bun:test";
import { MetadataIndex } from "./metadata.ts";

const up = { name: "up", type: "gauge", help: "Target is up.", unit: "" } as const;

describe("MetadataIndex", () => {
  test("keeps one entry per distinct metadata, per tenant", () => {
    const index = new MetadataIndex();
    index.observe("a", [up, up, { ...up, help: "Other help." }], 1_000);
    index.observe("b", [{ ...up, name: "down" }], 1_000);
    expect(index.list("a", 2_000).map((m) => m.help)).toEqual(["Target is up.", "Other help."]);
    expect(index.list("b", 2_000).map((m) => m.name)).toEqual(["down"]);
    expect(index.list("c", 2_000)).toEqual([]);
  });

  test("forgets entries not seen for a day", () => {
    const index = new MetadataIndex();
    index.observe("a", [up], 0);
    index.observe("a", [{ ...up, name: "later" }], 20 * 3_600_000);
    expect(index.list("a", 25 * 3_600_000).map((m) => m.name)).toEqual(["later"]);
  });
});
