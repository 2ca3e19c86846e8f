import { describe, expect, test } from "bun:test";
import { type Labels, labelsFromRecord, labelsKey } from "../../../shared/model/labels.ts";
import { parseRuleFile } from "../file.ts";
import { RuleState } from "./rule_state.ts";

const rule = parseRuleFile("groups:\n- name: g\n  rules:\n  - record: r\n    expr: m\n", "t.yml")
  .groups[0].rules[0];

const pairs = (l: Labels): [string, string][] =>
  Array.from({ length: l.length / 2 }, (_, i) => [l[2 * i], l[2 * i + 1]]);

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

  test("the same label sets again (the same objects) take the shortcut and agree with the reference", () => {
    const pool = Array.from({ length: 10 }, (_, i) => series(i));
    const fast = new RuleState(rule);
    const reference = new RuleState(rule);
    let seed = 5;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let now: Labels[] = [];
    for (let round = 0; round < 300; round++) {
      // Half the rounds write what the last wrote; the others a new pick, now and then the
      // same series in another order or as other objects with the same labels.
      const r = rand(4);
      if (r === 1) now = Array.from({ length: rand(6) }, () => pool[rand(10)]);
      else if (r === 2) now = [...now].reverse();
      else if (r === 3) now = now.map((l) => labelsFromRecord(Object.fromEntries(pairs(l))));
      const output = now.map((labels) => ({ labels, value: 1 }));
      const gone = fast.vanished(output);
      expect(gone.map(labelsKey).sort()).toEqual(
        reference.vanished(output, true).map(labelsKey).sort(),
      );
      expect(fast.written().map(labelsKey).sort()).toEqual(
        reference.written().map(labelsKey).sort(),
      );
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
