import { describe, expect, test } from "bun:test";
import { type Labels, labelsFromRecord, labelsKey } from "../../../shared/model/labels.ts";
import { parseRuleFile } from "../file.ts";
import { RuleState } from "./rule_state.ts";

const rule = parseRuleFile("groups:\n- name: g\n  rules:\n  - record: r\n    expr: m\n", "t.yml")
  .groups[0].rules[0];

const series = (i: number): Labels => labelsFromRecord({ __name__: "r", i: String(i) });

describe("RuleState.vanished()", () => {
  test("gives the series the previous evaluation wrote and this one did not, over many rounds", () => {
    const state = new RuleState(rule);
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let previous = new Set<string>();
    for (let round = 0; round < 200; round++) {
      const now = Array.from({ length: rand(8) }, () => series(rand(10)));
      const gone = state.vanished(now.map((labels) => ({ labels, value: 1 })));
      const keys = new Set(now.map(labelsKey));
      const expected = [...previous].filter((k) => !keys.has(k)).sort();
      expect(gone.map(labelsKey).sort()).toEqual(expected);
      expect(state.written().map(labelsKey).sort()).toEqual([...keys].sort());
      previous = keys;
    }
  });

  test("a state that took over another's keeps telling what vanished", () => {
    const old = new RuleState(rule);
    old.vanished([{ labels: series(1), value: 1 }]);
    old.vanished([
      { labels: series(1), value: 1 },
      { labels: series(2), value: 1 },
    ]);
    const now = new RuleState(rule);
    now.copyFrom(old);
    expect(now.vanished([{ labels: series(2), value: 1 }])).toEqual([series(1)]);
    expect(now.vanished([])).toEqual([series(2)]);
  });
});
