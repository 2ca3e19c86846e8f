// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana variable syntax is the subject of these tests
import { expect, test } from "bun:test";
import { interpolate, referencedNames, type Scope } from "./interpolate.ts";

const scope: Scope = {
  job: { values: ["node"], multi: false },
  path: { values: ["C:\\x's"], multi: false },
  inst: { values: ["a.b:9100", "c|d"], multi: true },
  one: { values: ["a.b"], multi: true },
  all: { values: ["x", "y"], multi: true, allValue: ".*" },
  __rate_interval: { values: ["1m"], multi: false, raw: true },
};

test("interpolate() writes every syntax Grafana accepts", () => {
  const cases: [string, string][] = [
    ['up{job="$job"}', 'up{job="node"}'],
    ['up{job="${job}"}', 'up{job="node"}'],
    ['up{job="[[job]]"}', 'up{job="node"}'],
    ["rate(x[$__rate_interval])", "rate(x[1m])"],
    ['x{p="$path"}', 'x{p="C:\\\\x\\\\\'s"}'],
    ['up{instance=~"$inst"}', 'up{instance=~"(a\\\\.b:9100|c\\\\|d)"}'],
    ['up{instance=~"$one"}', 'up{instance=~"a\\\\.b"}'],
    ['up{instance=~"$all"}', 'up{instance=~".*"}'],
    ["${inst:pipe}", "a.b:9100|c|d"],
    ["${inst:csv}", "a.b:9100,c|d"],
    ["${inst:raw}", "a.b:9100,c|d"],
    ["${inst:regex}", "(a\\.b:9100|c\\|d)"],
    ["[[inst:pipe]]", "a.b:9100|c|d"],
    ["${all:regex}", ".*"],
    ["$unknown and ${nope}", "$unknown and ${nope}"],
  ];
  for (const [text, want] of cases) expect([text, interpolate(text, scope)]).toEqual([text, want]);
});

test("referencedNames() finds each syntax", () => {
  expect([...referencedNames('a{b="$x", c="${y:csv}", d="[[z]]"}')]).toEqual(["x", "y", "z"]);
});
