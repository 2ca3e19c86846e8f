import { expect, test } from "bun:test";
import { goJsonTime, ZERO_TIME } from "./go_json.ts";

test("a time as Go's JSON writes it: the fraction's trailing zeros dropped, 0 as Go's zero time", () => {
  expect(goJsonTime(0)).toBe(ZERO_TIME);
  expect(goJsonTime(Date.UTC(2024, 4, 1, 10))).toBe("2024-05-01T10:00:00Z");
  expect(goJsonTime(Date.UTC(2024, 4, 1, 10, 0, 0, 120))).toBe("2024-05-01T10:00:00.12Z");
  expect(goJsonTime(Date.UTC(2024, 4, 1, 10, 0, 0, 7))).toBe("2024-05-01T10:00:00.007Z");
});
