import { describe, expect, test } from "bun:test";
import { ruleFilter } from "./rules.ts";

describe("ruleFilter()", () => {
  const parts = { names: [], groups: [], files: [], excludeAlerts: false };

  test("reads type without regard to case", () => {
    expect(ruleFilter({ ...parts, type: "Alert" }).type).toBe("alert");
  });

  test("refuses an unknown type as Prometheus does, naming the parameter", () => {
    expect(() => ruleFilter({ ...parts, type: "Bogus" })).toThrow(
      'invalid parameter "type": not supported value "bogus"',
    );
  });
});
