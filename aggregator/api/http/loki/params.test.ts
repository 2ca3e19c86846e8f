import { describe, expect, test } from "bun:test";
import { Form } from "../form.ts";
import { readInstantParams, readRangeParams, readTailParams } from "./params.ts";
import { toLokiError } from "./respond.ts";

const NOW = 1_700_000_000_000_000_000n;
const S = 1_000_000_000n;
const HOUR = 3600n * S;

describe("readRangeParams()", () => {
  // [what, parameters, expected fields]
  const cases: [string, Record<string, string>, Record<string, unknown>][] = [
    [
      "defaults to the last hour, 100 lines, newest first and a 14 s step",
      { query: '{a="b"}' },
      { startNs: NOW - HOUR, endNs: NOW, limit: 100, direction: "backward", stepNs: 14n * S },
    ],
    [
      "counts since back from end",
      { since: "30m", end: "1700000000" },
      { startNs: NOW - 1800n * S, endNs: NOW },
    ],
    [
      "counts since back from now when end is in the future",
      { since: "1h", end: String(NOW + HOUR) },
      { startNs: NOW - HOUR, endNs: NOW + HOUR },
    ],
    [
      "lets start win over since",
      { since: "5m", start: "1699990000" },
      { startNs: 1_699_990_000n * S },
    ],
    ["reads direction in any case", { direction: "FoRwArD" }, { direction: "forward" }],
    ["reads a step as a duration", { step: "5m" }, { stepNs: 300n * S }],
    ["reads a step as float seconds", { step: "0.5" }, { stepNs: S / 2n }],
    [
      "takes a range of zero width",
      { start: "10", end: "10" },
      { startNs: 10n * S, endNs: 10n * S },
    ],
  ];
  for (const [what, params, expected] of cases) {
    test(what, () => {
      expect(readRangeParams(Form.of(params), NOW)).toMatchObject(expected);
    });
  }

  // [parameters, Loki's message]
  const invalid: [Record<string, string>, string][] = [
    [
      { start: "abc" },
      "could not parse 'start' parameter: strconv.ParseInt: parsing \"abc\": invalid syntax",
    ],
    [
      { end: "x.y" },
      "could not parse 'end' parameter: strconv.ParseFloat: parsing \"x.y\": invalid syntax",
    ],
    [{ since: "1.5h" }, "could not parse 'since' parameter: not a valid duration string: \"1.5h\""],
    [{ start: "20", end: "10" }, "end timestamp must not be before or equal to start time"],
    [{ limit: "0" }, "limit must be a positive value"],
    [
      { limit: "5001" },
      "max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)",
    ],
    [
      { start: "0", end: "2880000000000000" },
      "the query time range exceeds the limit (query length: 800h0m0s, limit: 721h)",
    ],
    [{ limit: "ten" }, 'strconv.Atoi: parsing "ten": invalid syntax'],
    [{ direction: "up" }, "invalid direction 'up'"],
    [
      { step: "0" },
      "zero or negative query resolution step widths are not accepted. Try a positive integer",
    ],
    [{ step: "nope" }, 'cannot parse "nope" to a valid duration'],
    [
      { start: "0", end: "100000", step: "1" },
      "exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter",
    ],
    [{ interval: "-1" }, "interval must be >= 0"],
  ];
  for (const [params, message] of invalid) {
    test(`answers 400 "${message}" to ${JSON.stringify(params)}`, () => {
      let caught: unknown;
      try {
        readRangeParams(Form.of(params), NOW);
      } catch (err) {
        caught = err;
      }
      const answer = toLokiError(caught);
      expect(answer.status).toBe(400);
      expect(answer.message).toBe(message);
    });
  }
});

describe("readInstantParams()", () => {
  test("evaluates at now when no time is given", () => {
    expect(readInstantParams(Form.of({ query: "q" }), NOW)).toEqual({
      query: "q",
      timeNs: NOW,
      limit: 100,
      direction: "backward",
    });
  });

  test("reports a bad time without naming the parameter, as Loki does", () => {
    expect(() => readInstantParams(Form.of({ time: "soon" }), NOW)).toThrow(
      'strconv.ParseInt: parsing "soon": invalid syntax',
    );
  });
});

describe("readTailParams()", () => {
  test("starts an hour ago with no delay", () => {
    expect(readTailParams(Form.of({ query: "q" }), NOW)).toEqual({
      query: "q",
      startNs: NOW - HOUR,
      limit: 100,
      delayForSeconds: 0,
    });
  });

  test("refuses a delay over five seconds", () => {
    expect(() => readTailParams(Form.of({ delay_for: "6" }), NOW)).toThrow(
      "delay_for can't be greater than 5",
    );
  });
});
