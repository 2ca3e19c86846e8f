import { describe, expect, test } from "bun:test";
import { formatDuration } from "../time/duration.ts";
import { formatByteSize, MAX_DURATION_MS, parseByteSize, parseDuration } from "./units.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("parseDuration()", () => {
  test.each([
    ["0", 0],
    ["0s", 0],
    ["500ms", 500],
    ["15s", 15 * S],
    ["5m", 5 * M],
    ["1h30m", H + 30 * M],
    ["1d", D],
    ["1w", 7 * D],
    ["1y", 365 * D],
    ["1y1w1d1h1m1s1ms", 365 * D + 7 * D + D + H + M + S + 1],
    ["90m", 90 * M],
    ["0010s", 10 * S],
  ])("reads %p as %p ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each([
    ["", "empty string"],
    ["15", "missing unit"],
    ["1h30", "missing unit"],
    ["1.5h", "fractions are not allowed"],
    ["-5s", 'expected a whole number at "-5s"'],
    [" 5s", "expected a whole number"],
    ["5 s", 'unexpected " "'],
    ["5x", 'unknown unit "x"'],
    ["5H", 'unknown unit "H"'],
    ["5us", 'unknown unit "us"'],
    ["30m1h", "units must go from largest to smallest"],
    ["1h1h", "units must go from largest to smallest"],
    ["s", "expected a whole number"],
  ])("refuses %p: %s", (text, reason) => {
    expect(() => parseDuration(text)).toThrow(`Cannot parse duration "${text}": ${reason}`);
  });

  test("refuses durations that would overflow Prometheus's int64 nanoseconds", () => {
    expect(parseDuration("292y")).toBe(292 * 365 * D);
    expect(() => parseDuration("293y")).toThrow(RangeError);
    expect(() => parseDuration("99999999999999999999s")).toThrow(RangeError);
    expect(MAX_DURATION_MS).toBe(9223372036854);
  });
});

describe("formatDuration()", () => {
  // As Prometheus's model.Duration.String(): weeks and years only when exact.
  test.each([
    [0, "0s"],
    [500, "500ms"],
    [15 * S, "15s"],
    [H + 30 * M, "1h30m"],
    [8 * D, "8d"],
    [14 * D, "2w"],
    [366 * D, "366d"],
  ])("formats %p ms as %p", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test("round-trips through parseDuration()", () => {
    for (const ms of [1, 999, 61_001, 3 * D + 5, 400 * D + 7])
      expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe("parseByteSize()", () => {
  test.each([
    ["0", 0],
    ["0B", 0],
    ["100B", 100],
    ["1KB", 1024],
    ["1KiB", 1024],
    ["10MB", 10 * 1024 ** 2],
    ["512MiB", 512 * 1024 ** 2],
    ["1GB", 1024 ** 3],
    ["2TiB", 2 * 1024 ** 4],
    ["1PB", 1024 ** 5],
    ["1.5KB", 1536],
    [".5KB", 512],
    ["1GB512MB", 1024 ** 3 + 512 * 1024 ** 2],
    ["1.1B", 1],
  ])("reads %p as %p bytes", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  test.each([
    ["", "empty string"],
    ["1024", "missing unit"],
    ["10kB", 'unknown unit "kB"'],
    ["10mb", 'unknown unit "mb"'],
    ["10 MB", 'unexpected " "'],
    ["-1MB", "sizes cannot be negative"],
    ["MB", 'expected a number at "MB"'],
    ["1..2MB", 'expected a number at "1..2MB"'],
  ])("refuses %p: %s", (text, reason) => {
    expect(() => parseByteSize(text)).toThrow(`Cannot parse size "${text}": ${reason}`);
  });

  test("refuses sizes beyond exact integers", () => {
    expect(() => parseByteSize("9EB")).toThrow(RangeError);
  });
});

describe("formatByteSize()", () => {
  test.each([
    [0, "0B"],
    [100, "100B"],
    [1536, "1536B"],
    [1024, "1KiB"],
    [512 * 1024 ** 2, "512MiB"],
    [4 * 1024 ** 3, "4GiB"],
  ])("formats %p bytes as %p", (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
  });
});
