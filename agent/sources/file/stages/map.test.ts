import { describe, expect, test } from "bun:test";
import { stageSchema } from "./schema.ts";
import { record, runEntry } from "./testing.ts";

describe("map stage", () => {
  const stage =
    "- regex: {expression: '^(?P<role>\\w) '}\n- map: {source: role, values: {M: master, S: replica}}";

  test("replaces a listed value and leaves another as it is", () => {
    expect(runEntry(stage, record("M hello"))!.value("role")).toBe("master");
    expect(runEntry(stage, record("Q hello"))!.value("role")).toBe("Q");
  });

  test("writes to a target, keeping the source", () => {
    const e = runEntry(
      "- regex: {expression: '^(?P<r>\\w) '}\n- map: {source: r, target: role, values: {S: replica}}",
      record("S x"),
    )!;
    expect([e.value("r"), e.value("role")]).toEqual(["S", "replica"]);
  });

  test("an empty table is refused, naming the field", () => {
    const r = stageSchema.safeParse({ map: { source: "a", values: {} } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("must name at least one value");
  });
});
