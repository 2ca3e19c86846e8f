import { beforeAll, describe, expect, test } from "bun:test";
import type { Labels } from "../../../shared/model/labels.ts";
import type { LabelMatcher, Querier } from "../storage.ts";
import { Head } from "./head.ts";
import { makeBatch } from "./testing.ts";

const ALL = { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
const T0 = 1_700_000_000_000;
const m = (name: string, type: LabelMatcher["type"], value: string) => ({ name, type, value });

// Series and the time of their only sample.
const series: [Labels, number][] = [
  [["__name__", "http_requests_total", "code", "200", "job", "api"], T0],
  [["__name__", "http_requests_total", "code", "500", "job", "api"], T0],
  [["__name__", "http_requests_total", "code", "200", "job", "web"], T0],
  [["__name__", "up", "job", "api"], T0],
  [["__name__", "up", "job", "web"], T0 + 60_000],
  [["__name__", "build_info", "version", "1.2"], T0],
];

let head: Head;
beforeAll(() => {
  head = new Head();
  head.append(
    makeBatch(
      series.map((s) => s[0]),
      series.map(([, ts], i) => [i, ts, i]),
    ),
    1,
  );
});

/** What a selection returned, as `name{job,code}` strings. */
async function names(matchers: LabelMatcher[], range = ALL): Promise<string[]> {
  const q = await head.querier();
  const got = await q.select(matchers, range);
  q.close();
  return got.map((s) => s.labels.filter((_, i) => i % 2 === 1).join(" "));
}

describe("HeadQuerier.select()", () => {
  const cases: [string, LabelMatcher[], string[]][] = [
    ["selects a metric by name", [m("__name__", "=", "up")], ["up api", "up web"]],
    [
      "intersects equal matchers",
      [m("__name__", "=", "http_requests_total"), m("code", "=", "200")],
      ["http_requests_total 200 api", "http_requests_total 200 web"],
    ],
    [
      "applies != to a label some series lack",
      [m("job", "!=", "api")],
      ["http_requests_total 200 web", "build_info 1.2", "up web"],
    ],
    [
      "matches a regex over names",
      [m("__name__", "=~", "http_.*|bu.+")],
      [
        "http_requests_total 200 api",
        "http_requests_total 200 web",
        "http_requests_total 500 api",
        "build_info 1.2",
      ],
    ],
    [
      "excludes by a negative regex",
      [m("__name__", "=~", ".+"), m("job", "!~", "a.*|w.*")],
      ["build_info 1.2"],
    ],
    [
      'selects series lacking a label with =""',
      [m("code", "=", ""), m("job", "=", "web")],
      ["up web"],
    ],
    ['selects series carrying a label with =~".+"', [m("version", "=~", ".+")], ["build_info 1.2"]],
    ["returns nothing for a value no series has", [m("job", "=", "db")], []],
    ["returns nothing for a label no series has", [m("zone", "=", "eu")], []],
    [
      "accepts a literal alternation",
      [m("code", "=~", "500|404"), m("__name__", "!=", "x")],
      ["http_requests_total 500 api"],
    ],
    [
      "lets an empty-matching regex keep series without the label",
      [m("code", "=~", "|5.."), m("job", "=", "api")],
      ["http_requests_total 500 api", "up api"],
    ],
  ];
  for (const [what, matchers, expected] of cases) {
    test(`select() ${what}`, async () => {
      expect((await names(matchers)).sort()).toEqual(expected.sort());
    });
  }

  test("select() sorts series by their labels", async () => {
    expect(await names([m("job", "=~", ".+")])).toEqual([
      "http_requests_total 200 api",
      "http_requests_total 200 web",
      "http_requests_total 500 api",
      "up api",
      "up web",
    ]);
  });

  test("select() leaves out series without samples in the range", async () => {
    expect(await names([m("__name__", "=", "up")], { start: T0 + 1, end: T0 + 60_000 })).toEqual([
      "up web",
    ]);
  });

  test("select() throws the matcher's SyntaxError for a bad regex", async () => {
    const q = await head.querier();
    await expect(q.select([m("job", "=~", "a(")], ALL)).rejects.toThrow(
      /^Cannot compile matcher job=~"a\("/,
    );
  });
});

describe("HeadQuerier label lookups", () => {
  const cases: [string, string | null, LabelMatcher[], { start: number; end: number }, string[]][] =
    [
      ["lists every name", null, [], ALL, ["__name__", "code", "job", "version"]],
      [
        "lists the names of matching series",
        null,
        [m("__name__", "=", "up")],
        ALL,
        ["__name__", "job"],
      ],
      ["lists nothing outside the head's time span", null, [], { start: 0, end: 1 }, []],
      ["lists every value", "job", [], ALL, ["api", "web"]],
      ["lists values of matching series", "code", [m("job", "=", "web")], ALL, ["200"]],
      [
        "lists values of series in the range",
        "job",
        [m("__name__", "=", "up")],
        { start: T0 + 1, end: ALL.end },
        ["web"],
      ],
      ["lists no values for an unknown label", "zone", [], ALL, []],
    ];
  for (const [what, name, matchers, range, expected] of cases) {
    test(`label lookup ${what}`, async () => {
      const q = await head.querier();
      const got =
        name === null
          ? await q.labelNames(matchers, range)
          : await q.labelValues(name, matchers, range);
      expect(got).toEqual(expected);
    });
  }
});

describe("HeadQuerier order", () => {
  // Prometheus lists names, values and series in Go's string order: UTF-8 bytes.
  const byBytes = ["a", "z", "é", "～", "😀"];
  let wide: Head;
  beforeAll(() => {
    wide = new Head();
    const sets: Labels[] = [
      ...["～", "a", "😀", "é", "z"].map((v) => ["__name__", "m", "l", v]),
      ["__name__", "n", "～", "1", "😀", "1"],
    ];
    wide.append(
      makeBatch(
        sets,
        sets.map((_, i) => [i, T0, i]),
      ),
      1,
    );
  });
  const cases: [string, (q: Querier) => Promise<string[]>, string[]][] = [
    ["lists every value", (q) => q.labelValues("l", [], ALL), byBytes],
    ["lists matching series' values", (q) => q.labelValues("l", [m("l", "!=", "")], ALL), byBytes],
    ["lists every name", (q) => q.labelNames([], ALL), ["__name__", "l", "～", "😀"]],
    [
      "lists matching series' names",
      (q) => q.labelNames([m("__name__", "=", "n")], ALL),
      ["__name__", "～", "😀"],
    ],
    [
      "selects series",
      async (q) => (await q.select([m("l", "!=", "")], ALL)).map((s) => s.labels[3]),
      byBytes,
    ],
  ];
  test.each(cases)("HeadQuerier %s in UTF-8 byte order", async (_, read, want) => {
    const q = await wide.querier();
    expect(await read(q)).toEqual(want);
    q.close();
  });
});
