import { describe, expect, test } from "bun:test";
import { parseStatus } from "./values.ts";

describe("parseStatus()", () => {
  test.each([
    ["1024", 1024],
    ["-3.5", -3.5],
    ["1e3", 1000],
    ["ON", 1],
    ["Yes", 1],
    ["off", 0],
    ["DISABLED", 0],
    ["Connecting", 0],
    ["Primary", 1],
    ["Disconnected", 0],
    ["2024-01-02 03:04:05", 1704164645],
    ["Jan 02 03:04:05 2024 GMT", 1704164645],
    ["+Inf", Number.POSITIVE_INFINITY],
  ] as const)("reads %p as %p", (text, want) => {
    expect(parseStatus(text)).toBe(want);
  });

  test.each(["", "NULL", "mysql-bin.000012", "REPEATABLE-READ", "10.11.19-MariaDB", "1,2"])(
    "skips %p, as the exporter does",
    (text) => {
      expect(parseStatus(text)).toBeNull();
    },
  );
});
