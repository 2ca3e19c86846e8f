import { describe, expect, test } from "bun:test";
import { Form } from "./form.ts";
import {
  goQuote,
  MAX_TIME_MS,
  MIN_TIME_MS,
  parseDuration,
  parseLimit,
  parseTime,
  parseTimeParam,
} from "./params.ts";

describe("parseTime()", () => {
  // [input, Unix ms]
  const cases: [string, number][] = [
    ["1435781451.781", 1435781451781],
    ["1435781451", 1435781451000],
    ["1.5", 1500],
    ["-1.5", -1500],
    ["1e3", 1_000_000],
    [".5", 500],
    ["+2", 2000],
    ["0.0005", 1],
    ["-0.0005", -1],
    ["0.0004", 0],
    ["2015-07-01T20:10:51.781Z", 1435781451781],
    ["2015-07-01T20:10:51Z", 1435781451000],
    ["2015-07-01T22:10:51.781+02:00", 1435781451781],
    ["2015-07-01T18:40:51.781-01:30", 1435781451781],
    ["2015-07-01T20:10:51.7819999999Z", 1435781451781],
    ["1970-01-01T00:00:00Z", 0],
    ["1969-12-31T23:59:59.5Z", -500],
    ["2024-02-29T00:00:00Z", 1709164800000],
    ["-292273086-05-16T16:47:06Z", MIN_TIME_MS],
    ["292277025-08-18T07:12:54.999999999Z", MAX_TIME_MS],
  ];
  for (const [input, ms] of cases) {
    test(`reads ${JSON.stringify(input)} as ${ms} ms`, () => {
      expect(parseTime(input)).toBe(ms);
    });
  }

  const invalid = [
    "",
    "abc",
    "Inf",
    "NaN",
    "0x10",
    " 1",
    "2015-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2015-07-01T24:00:00Z",
    "2015-07-01 20:10:51Z",
    "2015-07-01T20:10:51",
  ];
  for (const input of invalid) {
    test(`refuses ${JSON.stringify(input)} with Prometheus's message`, () => {
      expect(() => parseTime(input)).toThrow(`cannot parse ${goQuote(input)} to a valid timestamp`);
    });
  }
});

describe("parseTimeParam()", () => {
  test("gives the fallback when the parameter is absent", () => {
    expect(parseTimeParam(Form.of({}), "start", 42)).toBe(42);
  });

  test("names the parameter in its error as Prometheus does", () => {
    expect(() => parseTimeParam(Form.of({ time: "x" }), "time", 0)).toThrow(
      `invalid time value for 'time': cannot parse "x" to a valid timestamp`,
    );
  });
});

describe("parseDuration()", () => {
  // [input, ms]
  const cases: [string, number][] = [
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1y", 31_536_000_000],
    ["2w", 1_209_600_000],
    ["1d", 86_400_000],
    ["100ms", 100],
    ["1m30s500ms", 90_500],
    ["0", 0],
    ["15", 15_000],
    ["1.5", 1500],
    ["0.001", 1],
    ["-1", -1000],
    ["1e-4", 0.1],
  ];
  for (const [input, ms] of cases) {
    test(`reads ${JSON.stringify(input)} as ${ms} ms`, () => {
      expect(parseDuration(input)).toBe(ms);
    });
  }

  // [input, message]
  const invalid: [string, string][] = [
    ["", 'cannot parse "" to a valid duration'],
    ["5x", 'cannot parse "5x" to a valid duration'],
    ["1m1h", 'cannot parse "1m1h" to a valid duration'],
    ["1.5m", 'cannot parse "1.5m" to a valid duration'],
    ["-5m", 'cannot parse "-5m" to a valid duration'],
    ["1e30", 'cannot parse "1e30" to a valid duration. It overflows int64'],
    ["Inf", 'cannot parse "Inf" to a valid duration. It overflows int64'],
  ];
  for (const [input, message] of invalid) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      expect(() => parseDuration(input)).toThrow(message);
    });
  }

  test("reads NaN as a negative duration, as Go's conversion does", () => {
    expect(parseDuration("NaN")).toBeLessThan(0);
  });
});

describe("parseLimit()", () => {
  // [input, limit or error message]
  const cases: [string, number | string][] = [
    ["", 0],
    ["0", 0],
    ["5", 5],
    ["+7", 7],
    ["-1", "limit must be non-negative"],
    ["x", 'strconv.Atoi: parsing "x": invalid syntax'],
    ["1.5", 'strconv.Atoi: parsing "1.5": invalid syntax'],
    ["99999999999999999999", 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
  ];
  for (const [input, want] of cases) {
    test(`answers ${JSON.stringify(input)} with ${JSON.stringify(want)}`, () => {
      if (typeof want === "number") expect(parseLimit(input)).toBe(want);
      else expect(() => parseLimit(input)).toThrow(want);
    });
  }
});

describe("goQuote()", () => {
  const cases: [string, string][] = [
    ["plain", '"plain"'],
    ['a"b', '"a\\"b"'],
    ["tab\there", '"tab\\there"'],
    ["bell\x07", '"bell\\a"'],
    ["ctl\x01", '"ctl\\x01"'],
    ["del\x7f", '"del\\x7f"'],
  ];
  for (const [input, want] of cases) {
    test(`quotes ${JSON.stringify(input)} as Go's %q`, () => {
      expect(goQuote(input)).toBe(want);
    });
  }
});

describe("Form", () => {
  test("reads a url-encoded POST body before the query string, as Go's Request.Form", async () => {
    const req = new Request("http://x/api/v1/series?match[]=b&limit=1", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "match%5B%5D=a&limit=2",
    });
    const form = await Form.read(req);
    expect(form.all("match[]")).toEqual(["a", "b"]);
    expect(form.get("limit")).toBe("2");
    expect(form.get("absent")).toBe("");
  });
});
