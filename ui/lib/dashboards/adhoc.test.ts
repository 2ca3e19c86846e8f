import { expect, test } from "bun:test";
import { applyAdhocFilters } from "./adhoc.ts";

const f = [{ key: "env", operator: "=", value: 'p"r' }];

test("applyAdhocFilters() adds the matchers to every selector and nothing else", () => {
  const cases: [string, string][] = [
    ["up", 'up{env="p\\"r"}'],
    ['up{job="a"}', 'up{job="a", env="p\\"r"}'],
    ['{__name__=~"x.*"}', '{__name__=~"x.*", env="p\\"r"}'],
    [
      'sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[5m] offset 1h))',
      'sum by (mode) (rate(node_cpu_seconds_total{mode!="idle", env="p\\"r"}[5m] offset 1h))',
    ],
    [
      "sum(a) without (cpu) / on (instance) group_left (nodename) b * 1e3",
      'sum(a{env="p\\"r"}) without (cpu) / on (instance) group_left (nodename) b{env="p\\"r"} * 1e3',
    ],
    [
      'label_replace(up, "a", "$1", "b", "(.*)") > bool 0',
      'label_replace(up{env="p\\"r"}, "a", "$1", "b", "(.*)") > bool 0',
    ],
    ["max_over_time(x[1h:5m]) and y", 'max_over_time(x{env="p\\"r"}[1h:5m]) and y{env="p\\"r"}'],
  ];
  for (const [expr, want] of cases)
    expect([expr, applyAdhocFilters(expr, f)]).toEqual([expr, want]);
});

test("applyAdhocFilters() leaves the expression alone without filters", () => {
  expect(applyAdhocFilters("up", [])).toBe("up");
  expect(applyAdhocFilters("up", [{ key: "", operator: "=", value: "x" }])).toBe("up");
});
