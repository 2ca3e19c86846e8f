import { expect, test } from "bun:test";
import { capPoints, legendName, onGrid, planPanel, timeAxis } from "./queries.ts";
import type { Panel } from "./types.ts";

const DAY = 86_400_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY);

test("planPanel() writes variables, built-ins and ad hoc filters, with Grafana's step", () => {
  const panel: Panel = {
    id: 1,
    type: "timeseries",
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    targets: [
      {
        refId: "A",
        expr: 'rate(node_cpu_seconds_total{instance="$node"}[$__rate_interval])',
        legendFormat: "{{cpu}} $node",
      },
      { refId: "B", expr: "up", hide: true },
      { refId: "C", expr: "count(up)", instant: true, range: false },
      { refId: "D", expr: "up", interval: "5m", intervalFactor: 2 },
      { refId: "E", expr: '{app="api"} |= "x"', datasource: { type: "loki" } },
    ],
  };
  const plan = planPanel(panel, {
    range: { from: T0, to: T0 + DAY },
    widthPx: 600,
    scope: { node: { values: ["a:9100"], multi: false } },
    filters: [{ key: "env", operator: "=", value: "prod" }],
    loki: new Set(["loki"]),
  });
  expect(plan.map((q) => [q.refId, q.language, q.expr, q.instant, q.stepMs])).toEqual([
    [
      "A",
      "promql",
      'rate(node_cpu_seconds_total{instance="a:9100", env="prod"}[2m15s])',
      false,
      120_000,
    ],
    ["C", "promql", 'count(up{env="prod"})', true, 120_000],
    ["D", "promql", 'up{env="prod"}', false, 600_000],
    ["E", "logql", '{app="api"} |= "x"', false, 120_000],
  ]);
  expect(plan[0].legendFormat).toBe("{{cpu}} a:9100");
  expect([plan[0].startMs, plan[0].endMs]).toEqual([T0, T0 + DAY]);
  expect([plan[1].startMs, plan[1].endMs]).toEqual([T0 + DAY, T0 + DAY]);
});

test("timeAxis() widens the range to a last step past `to`, so a series only there is drawn", () => {
  const panel: Panel = {
    id: 1,
    type: "timeseries",
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    targets: [{ refId: "A", expr: "up" }],
  };
  // `to` 30 s past a step: the last step is 90 s after it, and holds the newest samples.
  const to = T0 + DAY + 30_000;
  const ctx = {
    range: { from: T0, to },
    widthPx: 600,
    scope: {},
    filters: [],
    loki: new Set<string>(),
  };
  const [q] = planPanel(panel, ctx);
  expect(q.endMs).toBe(T0 + DAY + 120_000);
  expect(timeAxis(T0, to, q.endMs / 1000)).toEqual([T0 / 1000, q.endMs / 1000]);
  // Data ending before `to`, or none: the dashboard's range as it is.
  expect(timeAxis(T0, to, (T0 + DAY) / 1000)).toEqual([T0 / 1000, to / 1000]);
  expect(timeAxis(T0, to, null)).toEqual([T0 / 1000, to / 1000]);
});

test("legendName() fills {{label}} and falls back to the labels or the expression", () => {
  expect(legendName({ cpu: "0", mode: "idle" }, "cpu{{cpu}} {{ mode }} {{nope}}", "x")).toBe(
    "cpu0 idle ",
  );
  expect(legendName({ __name__: "up", job: "a" }, "__auto", "up")).toBe('up{job="a"}');
  expect(legendName({}, "", "count(up)")).toBe("count(up)");
});

test("onGrid() puts samples on the step grid with gaps as null", () => {
  expect(onGrid([10, 30], [1, Number.NaN], 0, 40, 10)).toEqual({
    times: [0, 10, 20, 30, 40],
    values: [null, 1, null, null, null],
  });
});

test("capPoints() keeps at most max points and keeps spikes and gaps", () => {
  const times = Array.from({ length: 12 }, (_, i) => i);
  const values = [1, 1, 9, 1, 1, 1, null, null, null, 1, 1, 2];
  const c = capPoints(times, values, 4);
  expect(c.values).toEqual([9, 1, null, 2]);
  expect(c.times).toEqual([0, 3, 6, 9]);
  expect(capPoints(times, values, 20).values).toBe(values);
});

test("capPoints() keeps the same times for every series on one grid, so stacks line up", () => {
  const times = Array.from({ length: 1800 }, (_, i) => i * 1000);
  const a = times.map((_, i) => (i % 7 === 0 ? 0.9 : 0.1));
  const b = times.map((_, i) => (i % 5 === 0 ? 0.05 : 0.6));
  const ca = capPoints(times, a, 700);
  const cb = capPoints(times, b, 700);
  expect(ca.times).toEqual(cb.times);
  expect(ca.values.every((v) => v !== null)).toBe(true);
  expect(cb.values.every((v) => v !== null)).toBe(true);
});
