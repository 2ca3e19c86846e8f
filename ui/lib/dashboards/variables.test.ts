// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana variable syntax is the subject of these tests
import { expect, test } from "bun:test";
import { HINTS_KEY, readHints, saveHints } from "./hints.ts";
import { interpolate } from "./interpolate.ts";
import { autoInterval, panelInterval, rateInterval, timeBuiltins } from "./intervals.ts";
import type { Variable } from "./types.ts";
import {
  applyRegex,
  customOptions,
  parseVariableQuery,
  sortOptions,
  type VariableSource,
} from "./variable_query.ts";
import {
  ALL,
  dependencyOrder,
  heldStates,
  resolveVariables,
  scopeOf,
  selectionsOf,
  withAll,
} from "./variables.ts";

const RANGE = { from: 0, to: 86_400_000 };

/** Series of a tiny fixed store, answering as QueryService would. */
const SERIES = [
  { __name__: "node_uname_info", job: "node", nodename: "a", instance: "a:9100" },
  { __name__: "node_uname_info", job: "node", nodename: "b", instance: "b:9100" },
  { __name__: "node_uname_info", job: "edge", nodename: "c", instance: "c:9100" },
];
function storeSource(calls: string[]): VariableSource {
  const matching = (match: string | undefined) =>
    SERIES.filter((s) =>
      [...(match ?? "").matchAll(/(\w+)="([^"]*)"/g)].every(
        ([, k, v]) => s[k as keyof typeof s] === v,
      ),
    );
  return {
    labelNames: async (match) => [...new Set(matching(match).flatMap(Object.keys))].sort(),
    labelValues: async (label, match) => {
      calls.push(`${label} ${match ?? ""}`);
      return [...new Set(matching(match).map((s) => s[label as keyof typeof s]))].sort();
    },
    series: async (match) => matching(match),
    instant: async () => [{ labels: { __name__: "up", job: "x" }, value: 1, timeMs: 5 }],
  };
}

test("parseVariableQuery() reads every query function", () => {
  expect(parseVariableQuery("label_values(job)")).toEqual({ kind: "label_values", label: "job" });
  expect(parseVariableQuery('label_values(up{job="a, b"}, instance)')).toEqual({
    kind: "label_values",
    label: "instance",
    match: 'up{job="a, b"}',
  });
  expect(parseVariableQuery("metrics(node_.*)")).toEqual({ kind: "metrics", regex: "node_.*" });
  expect(parseVariableQuery("query_result(topk(3, up))")).toEqual({
    kind: "query_result",
    expr: "topk(3, up)",
  });
  expect(parseVariableQuery("label_names()")).toEqual({ kind: "label_names" });
  expect(parseVariableQuery('up{job="a"}')).toEqual({ kind: "series", match: 'up{job="a"}' });
});

test("applyRegex() filters, captures and dedupes", () => {
  expect(applyRegex(["a:9100", "b:9100", "c"], "/(.*):\\d+/")).toEqual([
    { text: "a", value: "a" },
    { text: "b", value: "b" },
  ]);
  expect(applyRegex(["x=1", "y=2"], "/(?<text>\\w)=(?<value>\\d)/")).toEqual([
    { text: "x", value: "1" },
    { text: "y", value: "2" },
  ]);
  expect(applyRegex(["ab", "abc"], "ab")).toEqual([{ text: "ab", value: "ab" }]);
});

test("sortOptions() orders as each sort number says", () => {
  const o = ["b10", "B2", "a1"].map((t) => ({ text: t, value: t }));
  const texts = (sort: number) => sortOptions(o, sort).map((x) => x.text);
  expect(texts(1)).toEqual(["B2", "a1", "b10"]);
  expect(texts(2)).toEqual(["b10", "a1", "B2"]);
  expect(texts(3)).toEqual(["a1", "B2", "b10"]);
  expect(texts(6)).toEqual(["B2", "b10", "a1"]);
  expect(texts(7)).toEqual(["a1", "B2", "b10"]);
});

test("customOptions() splits on unescaped commas and reads key : value", () => {
  expect(customOptions("a, b\\,c, Prod : prod-1")).toEqual([
    { text: "a", value: "a" },
    { text: "b,c", value: "b,c" },
    { text: "Prod", value: "prod-1" },
  ]);
});

test("intervals follow Grafana's rules", () => {
  expect(panelInterval(86_400_000, 600)).toBe(120_000);
  expect(panelInterval(300_000, 1000, 30_000)).toBe(30_000);
  expect(rateInterval(15_000)).toBe(60_000);
  expect(rateInterval(120_000)).toBe(135_000);
  expect(autoInterval(86_400_000, 30, "10s")).toBe("1h");
  expect(timeBuiltins({ from: 0, to: 3_600_000 }, 15_000).__range_s).toBe("3600");
});

const chained: Variable[] = [
  {
    name: "node",
    type: "query",
    query: { query: 'label_values(node_uname_info{job="$job", nodename="$nodename"}, instance)' },
  },
  {
    name: "nodename",
    type: "query",
    query: 'label_values(node_uname_info{job="$job"}, nodename)',
    sort: 2,
  },
  { name: "job", type: "query", query: "label_values(node_uname_info, job)", sort: 1 },
];

test("dependencyOrder() puts a variable after those its query names", () => {
  expect(dependencyOrder(chained).map((v) => v.name)).toEqual(["job", "nodename", "node"]);
});

test("resolveVariables() refreshes chained variables from the wanted parent", async () => {
  const calls: string[] = [];
  const cache = new Map();
  const ctx = { range: RANGE, source: storeSource(calls), wanted: {}, builtins: {}, cache };
  let s = await resolveVariables(chained, ctx);
  expect(s.map((x) => x.selected)).toEqual([["c:9100"], ["c"], ["edge"]]);
  s = await resolveVariables(chained, { ...ctx, wanted: { job: ["node"], nodename: ["a"] } });
  expect(s.map((x) => x.selected)).toEqual([["a:9100"], ["a"], ["node"]]);
  const before = calls.length;
  await resolveVariables(chained, { ...ctx, wanted: { job: ["node"], nodename: ["a"] } });
  expect(calls.length).toBe(before);
});

/** `source` whose lookups are counted while in flight: the most asked at once. */
function countingInFlight(source: VariableSource) {
  const seen = { now: 0, most: 0 };
  const labelValues: VariableSource["labelValues"] = async (label, match, range) => {
    seen.now++;
    seen.most = Math.max(seen.most, seen.now);
    await Bun.sleep(5);
    seen.now--;
    return source.labelValues(label, match, range);
  };
  return { source: { ...source, labelValues }, seen };
}

test("resolveVariables() asks a chain at once from guesses, and selects as without them", async () => {
  const wantedCases: Record<string, string[]>[] = [
    {},
    { job: ["node"] },
    { job: ["node"], nodename: ["b"] },
    { job: ["node"], nodename: ["b"], node: ["b:9100"] },
  ];
  const hintCases: (Record<string, string[]> | undefined)[] = [
    undefined,
    { job: ["edge"], nodename: ["c"], node: ["c:9100"] },
    { job: ["node"], nodename: ["a"] },
    { job: ["gone"], nodename: ["x"] },
    { job: [ALL], nodename: ["a"] },
    {},
  ];
  let allAtOnce = 0;
  for (const wanted of wantedCases) {
    const reference = await resolveVariables(chained, {
      range: RANGE,
      source: storeSource([]),
      wanted,
      builtins: {},
    });
    for (const hints of hintCases) {
      const calls: string[] = [];
      const { source, seen } = countingInFlight(storeSource(calls));
      const ctx = { range: RANGE, source, wanted, builtins: {}, cache: new Map(), hints };
      const got = await resolveVariables(chained, ctx);
      expect(got).toEqual(reference);
      // Guesses (the URL's, else the hints) that are the selection made ask the three lookups together, each once.
      const selected = selectionsOf(got);
      const guessed = chained.every((v) => {
        const guess = wanted[v.name] ?? hints?.[v.name];
        return JSON.stringify(guess) === JSON.stringify(selected[v.name]);
      });
      if (guessed) {
        allAtOnce++;
        expect(seen.most).toBe(3);
        expect(calls.length).toBe(3);
      }
      // With nothing to guess from, the chain is asked one lookup at a time.
      if (hints === undefined && Object.keys(wanted).length === 0) expect(seen.most).toBe(1);
      // A wrong guess costs at most one unused lookup per chained variable.
      expect(calls.length).toBeLessThanOrEqual(5);
    }
  }
  expect(allAtOnce).toBeGreaterThanOrEqual(5);
});

test("heldStates() stand in with the guessed selection: titles read as resolved when it holds", async () => {
  const title = "Host ${nodename} (${node}) of $job";
  const resolve = (wanted: Record<string, string[]>) =>
    resolveVariables(chained, { range: RANGE, source: storeSource([]), wanted, builtins: {} });
  // What the last load resolved (the hints), and a URL's selection.
  const last = await resolve({});
  const url = { job: ["node"], nodename: ["b"], node: ["b:9100"] };
  for (const [wanted, hints] of [
    [{}, selectionsOf(last)],
    [url, undefined],
    [url, selectionsOf(last)],
  ] as const) {
    const resolved = await resolve(wanted);
    const held = heldStates(chained, wanted, hints);
    expect(selectionsOf(held)).toEqual(selectionsOf(resolved));
    expect(interpolate(title, scopeOf(held, {}, RANGE))).toBe(
      interpolate(title, scopeOf(resolved, {}, RANGE)),
    );
  }
  // A hint left by a load with other URL values does not go before the saved current, which
  // resolution picks: held titles do not flip when the values arrive.
  const picked = selectionsOf(last);
  const saved = chained.map((v) => ({ ...v, current: { value: picked[v.name] } }));
  const opened = await resolveVariables(saved, {
    range: RANGE,
    source: storeSource([]),
    wanted: {},
    builtins: {},
  });
  const hintsFromUrl = selectionsOf(await resolve(url));
  expect(hintsFromUrl).not.toEqual(picked);
  expect(selectionsOf(heldStates(saved, {}, hintsFromUrl))).toEqual(selectionsOf(opened));
  // The URL goes before the hints, a single value keeps one, All and nothing guess nothing.
  const multi: Variable[] = [
    { name: "one", type: "query", query: "label_values(job)", current: { value: "x" } },
    { name: "many", type: "query", query: "label_values(job)", multi: true, includeAll: true },
    { name: "all", type: "query", query: "label_values(job)", current: { value: "$__all" } },
    { name: "f", type: "adhoc" },
  ];
  const got = heldStates(multi, { one: ["u1", "u2"], f: ["job|=|node"] }, { many: ["a", "b"] });
  expect(got.map((s) => s.selected)).toEqual([["u1"], ["a", "b"], [], []]);
  expect(got[1].options).toEqual([
    { text: "a", value: "a" },
    { text: "b", value: "b" },
  ]);
  expect(got[3].filters).toEqual([{ key: "job", operator: "=", value: "node" }]);
});

test("hints are kept per dashboard, the newest 50, and a damaged store is ignored", () => {
  const items = new Map<string, string>();
  const storage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  } as Storage;
  expect(readHints(storage, "a")).toBeUndefined();
  saveHints(storage, "a", { job: ["node"] });
  expect(readHints(storage, "a")).toEqual({ job: ["node"] });
  for (let i = 0; i < 60; i++) saveHints(storage, `d${i}`, { x: [String(i)] });
  expect(readHints(storage, "a")).toBeUndefined();
  expect(readHints(storage, "d59")).toEqual({ x: ["59"] });
  expect(readHints(storage, "d10")).toEqual({ x: ["10"] });
  expect(readHints(storage, "d9")).toBeUndefined();
  for (const damaged of ["{", '{"a":1}', '[["a",{"job":"node"}]]', '[["a",null]]']) {
    items.set(HINTS_KEY, damaged);
    expect(readHints(storage, "a")).toBeUndefined();
  }
  items.set(HINTS_KEY, "{");
  saveHints(storage, "b", { job: ["x"] });
  expect(readHints(storage, "b")).toEqual({ job: ["x"] });
  expect(readHints(undefined, "b")).toBeUndefined();
});

test("resolveVariables() handles All, multi, custom, constant, interval, textbox and adhoc", async () => {
  const vars: Variable[] = [
    {
      name: "inst",
      type: "query",
      query: "label_values(instance)",
      multi: true,
      includeAll: true,
      current: { value: ["$__all"] },
    },
    {
      name: "rx",
      type: "query",
      query: "label_values(instance)",
      includeAll: true,
      allValue: ".+",
      current: { value: "$__all" },
    },
    { name: "env", type: "custom", query: "dev,prod", multi: true },
    { name: "c", type: "constant", query: "k" },
    { name: "iv", type: "interval", query: "1m,5m", auto: true, auto_count: 24, auto_min: "10s" },
    { name: "tb", type: "textbox", query: "def" },
    { name: "f", type: "adhoc" },
  ];
  const ctx = {
    range: RANGE,
    source: storeSource([]),
    wanted: { env: ["dev", "prod"], tb: ["typed"], f: ["job|=|node"] },
    builtins: {},
  };
  const s = await resolveVariables(vars, ctx);
  expect(s[0].selected).toEqual([ALL]);
  expect(s[0].options.map((o) => o.value)).toEqual([ALL, "a:9100", "b:9100", "c:9100"]);
  expect(s[6].filters).toEqual([{ key: "job", operator: "=", value: "node" }]);
  const scope = scopeOf(s, {}, RANGE);
  expect(interpolate('up{i=~"$inst"} $rx ${env:csv} $c $iv $tb', scope)).toBe(
    'up{i=~"(a:9100|b:9100|c:9100)"} .+ dev,prod k 1h typed',
  );
});

test("resolveVariables() says which variable failed and keeps going", async () => {
  const source = { ...storeSource([]), labelValues: async () => Promise.reject(new Error("boom")) };
  const s = await resolveVariables(
    [
      { name: "a", type: "query", query: "label_values(x)" },
      { name: "b", type: "custom", query: "1" },
    ],
    { range: RANGE, source, wanted: {}, builtins: {} },
  );
  expect(s[0].error).toBe("Cannot get the options of $a: boom");
  expect(s[1].selected).toEqual(["1"]);
});

test("withAll() drops All when a value is picked and the values when All is", () => {
  expect(withAll([ALL], [ALL, "a"])).toEqual(["a"]);
  expect(withAll(["a"], ["a", ALL])).toEqual([ALL]);
  expect(withAll(["a"], ["a", "b"])).toEqual(["a", "b"]);
});
