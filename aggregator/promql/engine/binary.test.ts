import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import { PromQLError } from "../value.ts";
import { goPow } from "./binary.ts";
import { query, samplesOf, seriesOf } from "./testing.ts";

const store = new MemoryStorage()
  .add({ __name__: "req_total", job: "api", instance: "1" }, [[0, 10]])
  .add({ __name__: "req_total", job: "api", instance: "2" }, [[0, 20]])
  .add({ __name__: "req_total", job: "web", instance: "1" }, [[0, 30]])
  .add({ __name__: "err_total", job: "api", instance: "1" }, [[0, 1]])
  .add({ __name__: "err_total", job: "web", instance: "1" }, [[0, 3]])
  .add({ __name__: "capacity", job: "api" }, [[0, 100]])
  .add({ __name__: "capacity", job: "web" }, [[0, 50]])
  .add({ __name__: "owner", job: "api", team: "a" }, [[0, 1]])
  .add({ __name__: "dup", job: "api", x: "1" }, [[0, 1]])
  .add({ __name__: "dup", job: "api", x: "2" }, [[0, 2]]);

const CAPACITY = { '{job="api"}': 100, '{job="web"}': 50 };
const NEGATED = { '{job="api"}': -99, '{job="web"}': -49 };
const HIGH = { '{__name__="capacity",job="api"}': 100 };
const TIMES_10_000 = { '{job="api"}': 1_000_000, '{job="web"}': 500_000 };
const SUM = { "{}": 150 };

async function instant(q: string): Promise<Record<string, number>> {
  return samplesOf(await query(store, q, { time: 0 }));
}

describe("scalar and vector-scalar operators", () => {
  const cases: [string, Record<string, number>][] = [
    ["2 ^ 3 - 1", { scalar: 7 }],
    ["1 == bool 1", { scalar: 1 }],
    ["capacity * 2", { '{job="api"}': 200, '{job="web"}': 100 }],
    ["capacity > 60", { '{__name__="capacity",job="api"}': 100 }],
    ["60 < capacity", { '{__name__="capacity",job="api"}': 100 }],
    ["capacity > bool 60", { '{job="api"}': 1, '{job="web"}': 0 }],
    ["-capacity", { '{job="api"}': -100, '{job="web"}': -50 }],
    [
      "+capacity",
      { '{__name__="capacity",job="api"}': 100, '{__name__="capacity",job="web"}': 50 },
    ],
  ];
  for (const [q, want] of cases) {
    test(`${q} gives Prometheus's samples and names`, async () =>
      expect(await instant(q)).toEqual(want));
  }
});

describe("vector matching", () => {
  const cases: [string, Record<string, number>][] = [
    ["err_total / req_total", { '{instance="1",job="api"}': 0.1, '{instance="1",job="web"}': 0.1 }],
    [
      "err_total / on(job) group_left capacity",
      { '{instance="1",job="api"}': 0.01, '{instance="1",job="web"}': 0.06 },
    ],
    [
      "req_total * on(job) group_left(team) owner",
      { '{instance="1",job="api",team="a"}': 10, '{instance="2",job="api",team="a"}': 20 },
    ],
    [
      "capacity / on(job) group_right err_total",
      { '{instance="1",job="api"}': 100, '{instance="1",job="web"}': 16.666666666666668 },
    ],
    ["err_total > ignoring(instance) capacity", {}],
    [
      "capacity >= bool on(job) group_right err_total",
      { '{instance="1",job="api"}': 1, '{instance="1",job="web"}': 1 },
    ],
    [
      "req_total + on() group_left vector(1)",
      {
        '{instance="1",job="api"}': 11,
        '{instance="2",job="api"}': 21,
        '{instance="1",job="web"}': 31,
      },
    ],
  ];
  for (const [q, want] of cases) {
    test(`${q} matches series as Prometheus does`, async () =>
      expect(await instant(q)).toEqual(want));
  }
});

describe("matching errors", () => {
  const cases: [string, string][] = [
    [
      "capacity + on(job) dup",
      'found duplicate series for the match group {job="api"} on the right hand-side of the operation: ' +
        '[{__name__="dup", job="api", x="1"}, {__name__="dup", job="api", x="2"}];many-to-many matching not allowed: matching labels must be unique on one side',
    ],
    [
      "req_total + on(job) capacity",
      "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
    ],
    [
      "req_total > on(job) capacity",
      "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
    ],
    [
      '{__name__=~"req_total|err_total", instance="1", job="api"} * on(job) group_left capacity',
      "multiple matches for labels: grouping labels must ensure unique matches",
    ],
  ];
  for (const [q, message] of cases) {
    test(`${q} fails with Prometheus's message`, async () => {
      const error = await query(store, q, { time: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PromQLError);
      expect((error as PromQLError).type).toBe("execution");
      expect((error as PromQLError).message).toBe(message);
    });
  }
});

describe("set operators", () => {
  const cases: [string, string[]][] = [
    [
      "req_total and err_total",
      [
        '{__name__="req_total",instance="1",job="api"}',
        '{__name__="req_total",instance="1",job="web"}',
      ],
    ],
    ["req_total unless err_total", ['{__name__="req_total",instance="2",job="api"}']],
    [
      "capacity and on(job) err_total",
      ['{__name__="capacity",job="api"}', '{__name__="capacity",job="web"}'],
    ],
    [
      "err_total or capacity",
      [
        '{__name__="err_total",instance="1",job="api"}',
        '{__name__="err_total",instance="1",job="web"}',
        '{__name__="capacity",job="api"}',
        '{__name__="capacity",job="web"}',
      ],
    ],
    [
      "err_total or ignoring(instance) capacity",
      [
        '{__name__="err_total",instance="1",job="api"}',
        '{__name__="err_total",instance="1",job="web"}',
      ],
    ],
  ];
  for (const [q, want] of cases) {
    test(`${q} keeps the series Prometheus keeps`, async () => {
      expect(Object.keys(await instant(q))).toEqual(want);
    });
  }

  test("or fills the steps where the left side has no match", async () => {
    const s = new MemoryStorage().add({ __name__: "a" }, [[0, 1]]).add({ __name__: "b" }, [
      [0, 3],
      [600_000, 4],
    ]);
    const out = await query(s, "-a or -b", { start: 0, end: 600_000, step: 600_000 });
    expect(seriesOf(out)).toEqual({
      "{}": [
        [0, -1],
        [600_000, -4],
      ],
    });
  });
});

describe("chains of operators", () => {
  const chain = (first: string, rest: string, n: number) => first + rest.repeat(n - 1);
  const req = {
    '{__name__="req_total",instance="1",job="api"}': 10,
    '{__name__="req_total",instance="2",job="api"}': 20,
    '{__name__="req_total",instance="1",job="web"}': 30,
  };
  // [what, query, samples]: each far longer than the stack could hold one frame per operator.
  const cases: [string, string, Record<string, number>][] = [
    ["100,000 scalar additions", chain("1", " + 1", 100_000), { scalar: 100_000 }],
    ["10,000 vector/scalar products", chain("capacity", " * 1", 10_000), CAPACITY],
    ["a scalar minus a vector, 10,000 times", chain("1 - capacity", " - 0", 10_000), NEGATED],
    ["10,000 filtering comparisons", chain("capacity", " > 60", 10_000), HIGH],
    ["10,000 vector additions", chain("capacity", " + capacity", 10_000), TIMES_10_000],
    ["20,000 set operations", chain("req_total", " or req_total", 20_000), req],
    [
      "10,000 operators of mixed kinds",
      chain("capacity", " * 2 / capacity * capacity / 2", 2501),
      CAPACITY,
    ],
    ["a sum over 10,000 vector/scalar products", `sum(${chain("capacity", " * 1", 10_000)})`, SUM],
  ];
  for (const [what, q, want] of cases) {
    test(`${what} evaluate as Prometheus does`, async () => expect(await instant(q)).toEqual(want));
  }
});

test("goPow() follows Go's math.Pow where ** differs", () => {
  expect(goPow(1, Number.NaN)).toBe(1);
  expect(goPow(-1, Number.POSITIVE_INFINITY)).toBe(1);
  expect(goPow(2, 10)).toBe(1024);
  expect(goPow(Number.NaN, 0)).toBe(1);
});
