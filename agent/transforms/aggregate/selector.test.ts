import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { matchesSelector, parseSelector, SelectorError } from "./selector.ts";

// [selector, its matchers as `name op value`]
const good: [string, string[]][] = [
  ["node_cpu_seconds_total", ["__name__ = node_cpu_seconds_total"]],
  ["job:up:sum", ["__name__ = job:up:sum"]],
  ['  up { job = "node" , }  ', ["__name__ = up", "job = node"]],
  ['{__name__=~"node_cpu_.*", mode!="idle"}', ["__name__ =~ node_cpu_.*", "mode != idle"]],
  ["up{job!~'prom.*'}", ["__name__ = up", "job !~ prom.*"]],
  ["up{path=`C:\\dir`}", ["__name__ = up", "path = C:\\dir"]],
  ['up{msg="a\\"b\\n\\x41\\u00e9\\101"}', ["__name__ = up", 'msg = a"b\nAéA']],
  ['{"my.metric"}', ["__name__ = my.metric"]],
  ['{"my.metric", "label.x"="1"}', ["__name__ = my.metric", "label.x = 1"]],
  ['{job="node"}', ["job = node"]],
  [
    '{__name__=~"node_.*", __name__!="node_load1"}',
    ["__name__ =~ node_.*", "__name__ != node_load1"],
  ],
  ['{job="", instance=~".+"}', ["job = ", "instance =~ .+"]],
];

// [selector, part of the error message]
const bad: [string, string][] = [
  ["", 'expected a metric name or "{", found the end at column 1'],
  ["{}", "at least one matcher that does not match an empty value"],
  ['{job=""}', "at least one matcher that does not match an empty value"],
  ['{job=~".*"}', "at least one matcher"],
  ["up{", "expected a label name, found the end at column 4"],
  ['up{job="a" mode="b"}', 'expected "," or "}" at column 12'],
  ["up{job=node}", "expected a quoted label value at column 8"],
  ['up{job=="x"}', "expected a quoted label value at column 8"],
  ['up{job~"x"}', "expected one of =, !=, =~, !~ at column 7"],
  ['up{job="x}', "unterminated string at column 8"],
  ['up{job="\\q"}', 'unknown escape "\\q" at column 9'],
  ['up{job="\\xff"}', "string is not valid UTF-8 at column 8"],
  ['up{job=~"a(b"}', 'invalid regex "a(b" ('],
  ['up{__name__="x"}', "the metric name is set twice at column 4"],
  ['{"a", "b"}', "the metric name is set twice at column 7"],
  ['{__name__="a", "b"}', "the metric name is set twice at column 16"],
  ["up down", 'unexpected "d" at column 4'],
  ["sum(up)", 'unexpected "(" at column 4'],
  ["1up", 'expected a metric name or "{" at column 1'],
];

describe("parseSelector()", () => {
  test.each(good)("parses %p", (text, expected) => {
    const selector = parseSelector(text);
    expect(selector.matchers.map((m) => `${m.name} ${m.type} ${m.value}`)).toEqual(expected);
  });

  test.each(bad)("refuses %p", (text, fragment) => {
    let error: unknown;
    try {
      parseSelector(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SelectorError);
    expect((error as Error).message).toStartWith(`Cannot parse selector ${JSON.stringify(text)}: `);
    expect((error as Error).message).toContain(fragment);
  });
});

describe("matchesSelector()", () => {
  const cpu = labelsFromRecord({
    __name__: "node_cpu_seconds_total",
    cpu: "0",
    mode: "idle",
    job: "node",
  });

  // [selector, whether it matches `cpu`]
  const cases: [string, boolean][] = [
    ["node_cpu_seconds_total", true],
    ["node_cpu_seconds", false],
    ['{__name__=~"node_cpu_.*"}', true],
    ['{__name__=~"node_cpu"}', false], // anchored, as in Prometheus
    ['{__name__=~"node_cpu_.*", mode!="idle"}', false],
    ['node_cpu_seconds_total{mode=~"idle|user"}', true],
    ['node_cpu_seconds_total{instance=""}', true], // an absent label equals ""
    ['node_cpu_seconds_total{instance!=""}', false],
    ['node_cpu_seconds_total{job!~"prom.*"}', true],
    ['node_cpu_seconds_total{mode=~"IDLE"}', false],
    ['node_cpu_seconds_total{mode=~"(?i)IDLE"}', true],
  ];

  test.each(cases)("%p matches: %p", (text, expected) => {
    expect(matchesSelector(parseSelector(text), cpu)).toBe(expected);
  });
});
