import { describe, expect, test } from "bun:test";
import { PATHOLOGICAL, PATHOLOGICAL_BUDGET_MS } from "../../../shared/regex/testing.ts";
import { MemoryStorage } from "../../storage/memory.ts";
import { PromQLError } from "../value.ts";
import { query, samplesOf, seriesOf } from "./testing.ts";

const store = new MemoryStorage()
  .addEvery({ __name__: "req_total", job: "api", src: "host-10" }, 15_000, [0, 15, 30, 45, 60])
  .addEvery({ __name__: "temp", node: "n2" }, 15_000, [3, 1, 2])
  .addEvery({ __name__: "temp", node: "n10" }, 15_000, [-1, 5, 9])
  .addEvery({ __name__: "lat_bucket", le: "0.1" }, 60_000, [5])
  .addEvery({ __name__: "lat_bucket", le: "1" }, 60_000, [8])
  .addEvery({ __name__: "lat_bucket", le: "+Inf" }, 60_000, [10])
  .addEvery({ __name__: "bad_bucket", le: "x" }, 60_000, [1]);

async function at(q: string, t = 30_000): Promise<Record<string, number>> {
  return samplesOf(await query(store, q, { time: t }));
}

describe("functions", () => {
  const cases: [string, Record<string, number>][] = [
    ["rate(req_total[1m])", { '{job="api",src="host-10"}': 0.5 }],
    [
      "last_over_time(temp[1m])",
      { '{__name__="temp",node="n10"}': 9, '{__name__="temp",node="n2"}': 2 },
    ],
    ["abs(temp)", { '{node="n10"}': 9, '{node="n2"}': 2 }],
    ["clamp(temp, 3, 5)", { '{node="n10"}': 5, '{node="n2"}': 3 }],
    ["clamp(temp, 5, 3)", {}],
    ["round(temp / 4, 0.5)", { '{node="n10"}': 2.5, '{node="n2"}': 0.5 }],
    ["scalar(temp)", { scalar: Number.NaN }],
    ['scalar(temp{node="n2"})', { scalar: 2 }],
    ["vector(time())", { "{}": 30 }],
    ['absent(nope{job="x", a=~"b"})', { '{job="x"}': 1 }],
    ["absent(temp)", {}],
    ['absent_over_time(nope{job="x"}[1m])', { '{job="x"}': 1 }],
    ["present_over_time(temp[1m])", { '{node="n10"}': 1, '{node="n2"}': 1 }],
    ["year()", { "{}": 1970 }],
    ["day_of_week(vector(1136239445))", { "{}": 1 }],
    ["days_in_month(vector(1454284800))", { "{}": 29 }],
    ["minute(vector(1136239445))", { "{}": 4 }],
    ["histogram_quantile(0.5, lat_bucket)", { "{}": 0.1 }],
    ["histogram_fraction(0, 0.1, lat_bucket)", { "{}": 0.5 }],
    ['histogram_quantiles(lat_bucket, "q", 0.5, 1)', { '{q="0.5"}': 0.1, '{q="1.0"}': 1 }],
    ["pi()", { scalar: Math.PI }],
  ];
  for (const [q, want] of cases) {
    test(`${q} gives Prometheus's result`, async () => expect(await at(q)).toEqual(want));
  }
});

describe("label functions", () => {
  const cases: [string, string[]][] = [
    [
      'label_replace(req_total, "host", "$1", "src", "host-(.*)")',
      ['{__name__="req_total",host="10",job="api",src="host-10"}'],
    ],
    [
      'label_replace(req_total, "host", "$1x", "src", "host-(.*)")',
      ['{__name__="req_total",job="api",src="host-10"}'],
    ],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a PromQL replacement, not a template.
      'label_replace(req_total, "host", "${1}x", "src", "host-(.*)")',
      ['{__name__="req_total",host="10x",job="api",src="host-10"}'],
    ],
    [
      'label_replace(req_total, "host", "$1", "src", "nomatch")',
      ['{__name__="req_total",job="api",src="host-10"}'],
    ],
    [
      'label_replace(rate(req_total[1m]), "__name__", "r", "", "")',
      ['{__name__="r",job="api",src="host-10"}'],
    ],
    [
      'label_join(req_total, "both", "/", "job", "src")',
      ['{__name__="req_total",both="api/host-10",job="api",src="host-10"}'],
    ],
  ];
  for (const [q, want] of cases) {
    test(`${q} relabels as Prometheus does`, async () =>
      expect(Object.keys(await at(q))).toEqual(want));
  }

  const errors: [string, string][] = [
    [
      'label_replace(temp, "a", "", "node", "(")',
      "invalid regular expression in label_replace(): (",
    ],
    [
      'label_replace(temp, "", "", "node", ".*")',
      "invalid destination label name in label_replace(): ",
    ],
    [
      'label_replace(temp, "node", "", "", "")',
      "vector cannot contain metrics with the same labelset",
    ],
    ['label_join(temp, "a", "", "")', "invalid source label name in label_join(): "],
  ];
  for (const [q, message] of errors) {
    test(`${q} fails with "${message}"`, async () => {
      const error = (await query(store, q, { time: 30_000 }).catch(
        (e: unknown) => e,
      )) as PromQLError;
      expect(error).toBeInstanceOf(PromQLError);
      expect(error.message).toBe(message);
    });
  }
});

describe("sorting", () => {
  const cases: [string, string[]][] = [
    ["sort(temp)", ['{__name__="temp",node="n2"}', '{__name__="temp",node="n10"}']],
    ["sort_desc(temp)", ['{__name__="temp",node="n10"}', '{__name__="temp",node="n2"}']],
    [
      'sort_by_label(temp, "node")',
      ['{__name__="temp",node="n2"}', '{__name__="temp",node="n10"}'],
    ],
    [
      'sort_by_label_desc(temp, "node")',
      ['{__name__="temp",node="n10"}', '{__name__="temp",node="n2"}'],
    ],
  ];
  for (const [q, want] of cases) {
    test(`${q} orders an instant result`, async () =>
      expect(Object.keys(await at(q))).toEqual(want));
  }

  test("sort in a range query warns that it has no effect", async () => {
    const out = await query(store, "sum(sort(temp))", { start: 0, end: 30_000, step: 15_000 });
    expect(out.warnings).toEqual([
      "PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:5)",
    ]);
    expect(seriesOf(out)["{}"].map(([, v]) => v)).toEqual([2, 6, 11]);
  });
});

describe("annotations", () => {
  test("rate() of a name without a counter suffix raises an info at its argument", async () => {
    const out = await query(store, "rate(temp[1m])", { time: 30_000 });
    expect(out.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temp" (1:6)',
    ]);
  });

  test("rate() over several names raises the info once per name without a counter suffix", async () => {
    const out = await query(store, 'rate({__name__=~"temp|req_total"}[1m])', { time: 30_000 });
    expect(out.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temp" (1:6)',
    ]);
  });

  test("quantile_over_time() warns about an invalid φ", async () => {
    const out = await query(store, "quantile_over_time(1.5, temp[1m])", { time: 30_000 });
    expect(out.warnings).toEqual([
      "PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:20)",
    ]);
  });

  test("histogram_quantile() warns about a bucket without a valid le", async () => {
    const out = await query(store, "histogram_quantile(0.5, bad_bucket)", { time: 0 });
    expect(out.warnings).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "x" for metric name "bad_bucket" (1:25)',
    ]);
  });
});

describe("regexes from users", () => {
  test("label_replace() cuts capture groups at code points in non-ASCII values", async () => {
    const store = new MemoryStorage().addEvery({ __name__: "v", text: "😀é～x" }, 15_000, [1]);
    const q = 'label_replace(v, "y", "$2-$1", "text", "(.)é(.+)")';
    expect(Object.keys(samplesOf(await query(store, q, { time: 0 })))).toEqual([
      '{__name__="v",text="😀é～x",y="～x-😀"}',
    ]);
  });

  test.each(PATHOLOGICAL.map((c) => [c.pattern, c.text.length, c] as const))(
    "select with =~ and label_replace() run %j on %d characters in linear time with RE2's answer",
    async (pattern, _, { text, anchored }) => {
      const store = new MemoryStorage().addEvery({ __name__: "v", text }, 15_000, [1]);
      const began = performance.now();
      const selected = samplesOf(await query(store, `count(v{text=~"${pattern}"})`, { time: 0 }));
      const replace = `label_replace(v, "y", "matched", "text", "${pattern}")`;
      const replaced = samplesOf(await query(store, replace, { time: 0 }));
      expect(performance.now() - began).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
      expect(Object.values(selected)).toEqual(anchored ? [1] : []);
      expect(Object.keys(replaced)[0].includes(',y="matched"')).toBe(anchored);
    },
  );
});
