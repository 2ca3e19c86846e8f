import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import { PromQLError } from "../value.ts";
import { query, samplesOf, seriesOf } from "./testing.ts";

const store = new MemoryStorage()
  .add({ __name__: "m", job: "a", i: "1" }, [[0, 1]])
  .add({ __name__: "m", job: "a", i: "2" }, [[0, 2]])
  .add({ __name__: "m", job: "b", i: "1" }, [[0, 4]])
  .add({ __name__: "m", job: "b", i: "2" }, [[0, Number.NaN]])
  .add({ __name__: "big", i: "1" }, [[0, 1e308]])
  .add({ __name__: "big", i: "2" }, [[0, 1e308]])
  .add({ __name__: "tiny", i: "1" }, [[0, 1e100]])
  .add({ __name__: "tiny", i: "2" }, [[0, 1]])
  .add({ __name__: "tiny", i: "3" }, [[0, -1e100]])
  .add({ __name__: "k", v: "3" }, [[0, 3]])
  .add({ __name__: "k", v: "1" }, [[0, 1]])
  .add({ __name__: "k", v: "nan" }, [[0, Number.NaN]])
  .add({ __name__: "k", v: "2" }, [[0, 2]]);

async function instant(q: string): Promise<Record<string, number>> {
  return samplesOf(await query(store, q, { time: 0 }));
}

describe("folding aggregations", () => {
  const cases: [string, Record<string, number>][] = [
    ['sum by (job) (m{job="a"})', { '{job="a"}': 3 }],
    ["sum(tiny)", { "{}": 1 }],
    ["count without (i) (m)", { '{job="a"}': 2, '{job="b"}': 2 }],
    ['avg(m{job="a"})', { "{}": 1.5 }],
    ["avg(big)", { "{}": 1e308 }],
    ["max by (job) (m)", { '{job="a"}': 2, '{job="b"}': 4 }],
    ["min by (job) (m)", { '{job="a"}': 1, '{job="b"}': 4 }],
    ["group by (job) (m)", { '{job="a"}': 1, '{job="b"}': 1 }],
    ['stdvar(m{job="a"})', { "{}": 0.25 }],
    ['stddev(m{job="a"})', { "{}": 0.5 }],
    ['quantile(0.5, m{job="a"})', { "{}": 1.5 }],
    ["sum by (__name__) (m)", { '{__name__="m"}': Number.NaN }],
  ];
  for (const [q, want] of cases) {
    test(`${q} folds as Prometheus 3 does`, async () => expect(await instant(q)).toEqual(want));
  }
});

describe("sum", () => {
  // Members present at every step of a full group take sum's fast loop; the others, and
  // the steps a member misses, the general one. Both must give Prometheus's rounding and
  // its infinities.
  const sums = new MemoryStorage()
    .add({ __name__: "s", i: "1" }, [
      [0, 1e100],
      [15_000, 1e308],
      [30_000, 1],
      [45_000, 7],
    ])
    .add({ __name__: "s", i: "2" }, [
      [15_000, 1e308],
      [30_000, 2],
      [45_000, Number.POSITIVE_INFINITY],
    ])
    .add({ __name__: "s", i: "3" }, [
      [0, 1],
      [15_000, 5],
      [30_000, 1e100],
      [45_000, 1],
    ])
    .add({ __name__: "s", i: "4" }, [
      [0, -1e100],
      [15_000, -1],
      [30_000, -1e100],
      [45_000, 1],
    ])
    .add({ __name__: "s", i: "5" }, [
      [0, 2],
      [15_000, 1],
      [30_000, 3],
      [45_000, 1],
    ])
    .add({ __name__: "t", i: "1" }, [[0, Number.POSITIVE_INFINITY]])
    .add({ __name__: "t", i: "2" }, [[0, Number.NEGATIVE_INFINITY]])
    .add({ __name__: "t", i: "3" }, [[0, 1]]);

  test("keeps the compensated sum and the infinities of Prometheus over every path", async () => {
    const out = seriesOf(await query(sums, "sum(s)", { start: 0, end: 45_000, step: 15_000 }));
    // Compensated: 1e100 + 1 - 1e100 + 2 is 3, not 2 (the second member misses this step);
    // 1e308 twice overflows and stays +Inf; 1 + 2 + 1e100 - 1e100 + 3 is 6; +Inf absorbs.
    expect(out).toEqual({
      "{}": [
        [0, 3],
        [15_000, Number.POSITIVE_INFINITY],
        [30_000, 6],
        [45_000, Number.POSITIVE_INFINITY],
      ],
    });
    expect(samplesOf(await query(sums, "sum(t)", { time: 0 }))).toEqual({ "{}": Number.NaN });
    expect(samplesOf(await query(sums, 'sum(t{i!="2"})', { time: 0 }))).toEqual({
      "{}": Number.POSITIVE_INFINITY,
    });
  });
});

describe("topk, bottomk and limitk", () => {
  const cases: [string, string[]][] = [
    ["topk(2, k)", ['{__name__="k",v="3"}', '{__name__="k",v="2"}']],
    ["bottomk(2, k)", ['{__name__="k",v="1"}', '{__name__="k",v="2"}']],
    [
      "topk(10, k)",
      [
        '{__name__="k",v="3"}',
        '{__name__="k",v="2"}',
        '{__name__="k",v="1"}',
        '{__name__="k",v="nan"}',
      ],
    ],
    [
      "bottomk(10, k)",
      [
        '{__name__="k",v="1"}',
        '{__name__="k",v="2"}',
        '{__name__="k",v="3"}',
        '{__name__="k",v="nan"}',
      ],
    ],
    ["topk by (job) (1, m)", ['{__name__="m",i="2",job="a"}', '{__name__="m",i="1",job="b"}']],
    ["topk(0, k)", []],
  ];
  for (const [q, want] of cases) {
    test(`${q} lists series in Prometheus's order`, async () => {
      expect(Object.keys(await instant(q))).toEqual(want);
    });
  }

  // Of tied series the first in label order stays, and Prometheus orders labels by UTF-8
  // bytes: tie{l="～"} before tie{l="😀"}, where JavaScript's order has them the other way.
  const ties = new MemoryStorage()
    .add({ __name__: "tie", l: "😀" }, [[0, 1]])
    .add({ __name__: "tie", l: "～" }, [[0, 1]]);
  test.each(["topk", "bottomk", "limitk"])(
    "%s(1, …) keeps the tied series first in UTF-8 byte order",
    async (op) => {
      const out = samplesOf(await query(ties, `${op}(1, tie)`, { time: 0 }));
      expect(Object.keys(out)).toEqual(['{__name__="tie",l="～"}']);
    },
  );

  // Offsets of m{i="0"} … m{i="7"} from their stringlabels hashes, computed in Go
  // (scripts/go-reference): 0.1751, 0.3263, 0.2608, 0.1915, 0.5594, 0.7236, 0.2000000651, 0.7091.
  const ratios = new MemoryStorage();
  for (let i = 0; i < 8; i++) ratios.add({ __name__: "m", i: String(i) }, [[0, i]]);
  test.each([
    [0.2, ["0", "3"]],
    [0.3, ["0", "2", "3", "6"]],
    [-0.3, ["5", "7"]],
    [0.6, ["0", "1", "2", "3", "4", "6"]],
  ])("limit_ratio(%p, …) keeps the series Prometheus's official builds keep", async (r, want) => {
    const out = await query(ratios, `limit_ratio(${r}, m)`, { time: 0 });
    const kept = out.result.type === "vector" ? out.result.samples.map((s) => s.labels[3]) : [];
    expect(kept.sort()).toEqual(want);
  });

  // Prometheus lists a group with sort.Sort(sort.Reverse(heap)), whose less holds both ways
  // for two NaNs. Expected orders from Go 1.19 replaying aggregationK (container/heap, then
  // that sort; scripts/go-reference) over these values in this order.
  const nans = new MemoryStorage();
  [0, Number.NaN, Number.NaN, 1, 1, 2].forEach((v, i) => {
    nans.add({ __name__: "n", i: String(i) }, [[0, v]]);
  });
  test.each([
    ["topk", ["5", "3", "4", "0", "1", "2"]],
    ["bottomk", ["0", "3", "4", "5", "1", "2"]],
  ])("%s(6, …) lists NaNs in the order Go's sort leaves them", async (op, want) => {
    const out = await query(nans, `${op}(6, n)`, { time: 0 });
    const got = out.result.type === "vector" ? out.result.samples.map((s) => s.labels[3]) : [];
    expect(got).toEqual(want);
  });

  test("limitk keeps k series of each group", async () => {
    expect(Object.keys(await instant("limitk by (job) (1, m)"))).toHaveLength(2);
  });

  test("a parameter that varies by step selects per step", async () => {
    const s = new MemoryStorage()
      .addEvery({ __name__: "n" }, 60_000, [1, 2, 3])
      .addEvery({ __name__: "x", i: "1" }, 60_000, [5, 5, 5])
      .addEvery({ __name__: "x", i: "2" }, 60_000, [6, 6, 6])
      .addEvery({ __name__: "x", i: "3" }, 60_000, [7, 7, 7]);
    const out = await query(s, "count(topk(scalar(n), x))", {
      start: 0,
      end: 120_000,
      step: 60_000,
    });
    expect(seriesOf(out)["{}"].map(([, v]) => v)).toEqual([1, 2, 3]);
  });
});

describe("limit_ratio", () => {
  test("keeps complementary subsets for r and -(1 - r)", async () => {
    const both = await instant("count(limit_ratio(0.3, m) or limit_ratio(-0.7, m))");
    const overlap = await instant("count(limit_ratio(0.3, m) and limit_ratio(-0.7, m))");
    expect(both).toEqual({ "{}": 4 });
    expect(overlap).toEqual({});
  });

  test("warns when the ratio is capped", async () => {
    const out = await query(store, "limit_ratio(1.5, m)", { time: 0 });
    expect(out.warnings).toEqual([
      "PromQL warning: ratio value should be between -1 and 1, got 1.5, capping to 1 (1:13)",
    ]);
  });
});

describe("parameter errors and warnings", () => {
  const errors: [string, string][] = [
    ["topk(NaN, m)", "Parameter value is NaN"],
    ["limit_ratio(NaN, m)", "Ratio value is NaN"],
    ['count_values("", m)', 'invalid label name ""'],
  ];
  for (const [q, message] of errors) {
    test(`${q} fails with "${message}"`, async () => {
      const error = (await query(store, q, { time: 0 }).catch((e: unknown) => e)) as PromQLError;
      expect(error).toBeInstanceOf(PromQLError);
      expect(error.message).toBe(message);
    });
  }

  test("quantile warns about φ outside [0, 1] at the parameter", async () => {
    const out = await query(store, "quantile(2, m)", { time: 0 });
    expect(out.warnings).toEqual([
      "PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)",
    ]);
    expect(samplesOf(out)).toEqual({ "{}": Number.POSITIVE_INFINITY });
  });
});

test("count_values counts series per value, the value becoming a label", async () => {
  expect(await instant('count_values("value", k)')).toEqual({
    '{value="3"}': 1,
    '{value="1"}': 1,
    '{value="NaN"}': 1,
    '{value="2"}': 1,
  });
  expect(await instant('count_values without (i) ("job", m)')).toEqual({
    '{job="1"}': 1,
    '{job="2"}': 1,
    '{job="4"}': 1,
    '{job="NaN"}': 1,
  });
});

test("an aggregation drops a pending name only when its last step's members do", async () => {
  const out = await query(store, "sum by (__name__) (rate(m[1m]) or k)", { time: 0 });
  expect(samplesOf(out)).toEqual({ '{__name__="k"}': Number.NaN });
});
