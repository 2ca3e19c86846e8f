import { describe, expect, test } from "bun:test";
import { parsePromDurationNs, parseSecondsOrDurationNs, parseTimestampNs } from "./time.ts";

describe("parseTimestampNs()", () => {
  // [input, Unix ns]
  const cases: [string, bigint][] = [
    ["2024-01-02T03:04:05Z", 1_704_164_645_000_000_000n],
    ["2024-01-02T03:04:05.123456789Z", 1_704_164_645_123_456_789n],
    ["2024-01-02T05:04:05+02:00", 1_704_164_645_000_000_000n],
    ["1704164645", 1_704_164_645_000_000_000n],
    ["10000000000", 10_000_000_000_000_000_000n],
    ["10000000001", 10_000_000_001n],
    ["1704164645000000000", 1_704_164_645_000_000_000n],
    ["-5", -5_000_000_000n],
    ["1.5", 1_500_000_000n],
    ["1704164645.25", 1_704_164_645_250_000_000n],
    ["1.123", 1_123_000_000n],
    ["1.0004", 1_000_000_000n],
    ["1704164645000000000.9", 1_704_164_645_000_000_000n],
  ];
  for (const [input, ns] of cases) {
    test(`reads ${JSON.stringify(input)} as ${ns} ns`, () => {
      expect(parseTimestampNs(input)).toBe(ns);
    });
  }

  // [input, Loki's message]
  const invalid: [string, string][] = [
    ["abc", 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ["2024-01-02", 'strconv.ParseInt: parsing "2024-01-02": invalid syntax'],
    ["2024-13-02T00:00:00Z", 'strconv.ParseInt: parsing "2024-13-02T00:00:00Z": invalid syntax'],
    ["1.2.3", 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'],
    [
      "99999999999999999999",
      'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    ],
    ["1e400.0", 'strconv.ParseFloat: parsing "1e400.0": invalid syntax'],
  ];
  for (const [input, message] of invalid) {
    test(`refuses ${JSON.stringify(input)} with Go's message`, () => {
      expect(() => parseTimestampNs(input)).toThrow(message);
    });
  }
});

describe("parsePromDurationNs()", () => {
  const cases: [string, bigint][] = [
    ["1h", 3_600_000_000_000n],
    ["1h30m", 5_400_000_000_000n],
    ["1d", 86_400_000_000_000n],
    ["250ms", 250_000_000n],
    ["0", 0n],
  ];
  for (const [input, ns] of cases) {
    test(`reads ${input} as ${ns} ns`, () => expect(parsePromDurationNs(input)).toBe(ns));
  }

  test("refuses float seconds and Go durations it does not know", () => {
    expect(() => parsePromDurationNs("1.5h")).toThrow('not a valid duration string: "1.5h"');
    expect(() => parsePromDurationNs("")).toThrow("empty duration string");
  });
});

describe("parseSecondsOrDurationNs()", () => {
  const cases: [string, bigint][] = [
    ["15", 15_000_000_000n],
    ["0.5", 500_000_000n],
    ["1m", 60_000_000_000n],
    ["-1", -1_000_000_000n],
  ];
  for (const [input, ns] of cases) {
    test(`reads ${input} as ${ns} ns`, () => expect(parseSecondsOrDurationNs(input)).toBe(ns));
  }

  test("refuses what is neither, with Loki's message", () => {
    expect(() => parseSecondsOrDurationNs("x")).toThrow('cannot parse "x" to a valid duration');
    expect(() => parseSecondsOrDurationNs("1e20")).toThrow(
      'cannot parse "1e20" to a valid duration. It overflows int64',
    );
  });
});
