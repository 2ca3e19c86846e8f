import { describe, expect, test } from "bun:test";
import {
  formatOpenMetricsFloat,
  parseFloatBytes,
  parseFloatText,
  parseOpenMetricsTimestamp,
} from "./number.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string) => parseFloatBytes(enc(s), 0, s.length);

/** Small deterministic PRNG (mulberry32), so a failure can be reproduced. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("parseFloatBytes()", () => {
  test("gives exactly the double Number() gives for 100k random decimals", () => {
    const rand = rng(7);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join("");
    for (let k = 0; k < 100_000; k++) {
      const int = digits(1 + Math.floor(rand() * 12));
      const frac = rand() < 0.7 ? `.${digits(Math.floor(rand() * 10))}` : "";
      const exp = rand() < 0.3 ? `e${rand() < 0.5 ? "-" : "+"}${Math.floor(rand() * 30)}` : "";
      const text = `${rand() < 0.2 ? "-" : ""}${int}${frac}${exp}`;
      const want = Number(text);
      const got = parse(text);
      if (!Object.is(got, want)) expect([text, got]).toEqual([text, want]);
    }
  });

  const accepted: [string, number][] = [
    ["0", 0],
    ["-0", -0],
    ["1.5", 1.5],
    ["1.", 1],
    [".5", 0.5],
    ["+5", 5],
    ["1e3", 1000],
    ["1E+3", 1000],
    ["2.5e-3", 0.0025],
    ["1.7976931348623157e308", 1.7976931348623157e308],
    ["4.9e-324", 5e-324],
    ["1e-400", 0], // underflow is not an error in Go either
    ["0.1000000000000000055511151231257827", 0.1],
    ["12345678901234567890", 1.2345678901234567e19],
    ["Inf", Infinity],
    ["+inf", Infinity],
    ["-Infinity", -Infinity],
    ["INF", Infinity],
    ["NaN", Number.NaN],
    ["nan", Number.NaN],
  ];
  test.each(accepted)("accepts %p like Go's ParseFloat", (text, want) => {
    expect(Object.is(parse(text), want) || (Number.isNaN(want) && Number.isNaN(parse(text)))).toBe(
      true,
    );
  });

  const rejected = [
    "",
    "-",
    "+",
    ".",
    "e5",
    "1e",
    "1e+",
    "0x10",
    "0x1p3",
    "1_000",
    "1e400",
    "-1e400",
    "+NaN",
    "-nan",
    "Infinit",
    "1.2.3",
    "1 ",
    " 1",
    "١",
  ];
  test.each(rejected)("rejects %p", (text) => {
    expect(parse(text)).toBeUndefined();
  });
});

describe("parseFloatText()", () => {
  test("agrees with parseFloatBytes() on the slow-path forms", () => {
    for (const text of ["1e400", "Inf", "-inf", "NaN", "+1.5", "0x1p3"]) {
      expect(Object.is(parseFloatText(text), parse(text))).toBe(true);
    }
  });
});

describe("parseOpenMetricsTimestamp()", () => {
  const cases: [string, number][] = [
    ["1700000000", 1700000000000],
    ["1.5", 1500],
    ["1.0019", 1001], // 1.0019 * 1000 = 1001.8999…, truncated like Go's int64()
    ["-1.5", -1500],
    ["-0.0001", 0],
    ["1e3", 1000000],
  ];
  test.each(cases)("reads %p seconds as %p ms", (text, want) => {
    expect(parseOpenMetricsTimestamp(enc(text), 0, text.length)).toBe(want);
  });
});

describe("formatOpenMetricsFloat()", () => {
  const cases: [number, string][] = [
    [1, "1.0"],
    [0, "0.0"],
    [-0, "0.0"],
    [-1, "-1.0"],
    [0.25, "0.25"],
    [100, "100.0"],
    [123456, "123456.0"],
    [1e6, "1e+06"],
    [1234567, "1.234567e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1e-7, "1e-07"],
    [1.5e300, "1.5e+300"],
    [-2.5e-10, "-2.5e-10"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [Number.NaN, "NaN"],
  ];
  test.each(cases)("formats %p as Go's %%g would, as %p", (value, want) => {
    expect(formatOpenMetricsFloat(value)).toBe(want);
  });
});
