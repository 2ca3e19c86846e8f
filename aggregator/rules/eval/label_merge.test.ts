import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import type { QueryResult } from "../../promql/value.ts";
import { parseRuleFile } from "../file.ts";
import type { RecordingRule } from "../model.ts";
import { LabelMerge } from "./label_merge.ts";
import { withLabels } from "./output.ts";
import { recordingOutput } from "./recording.ts";

const cases: [string, Record<string, string>, Record<string, string>, string[]][] = [
  ["renames the metric", { __name__: "m", a: "1" }, { __name__: "r" }, []],
  ["adds a label before, between and after", { b: "1", d: "2" }, { a: "x", c: "y", e: "z" }, []],
  ["overrides a label", { a: "1", b: "2" }, { b: "3" }, []],
  ["deletes with an empty value", { a: "1", b: "2", c: "3" }, { b: "" }, []],
  ["deletes a name it lists", { __name__: "m", a: "1" }, { x: "1" }, ["__name__"]],
  ["sets a name it also deletes", { __name__: "m" }, { __name__: "n" }, ["__name__"]],
  ["deletes a label the series lacks", { a: "1" }, { z: "" }, ["q"]],
  ["merges into no labels", {}, { __name__: "r", job: "j" }, []],
  ["orders by UTF-8 bytes", { é: "1", Z: "2" }, { "\u{1f600}": "3", a: "4", "\uffff": "5" }, []],
];

describe("LabelMerge", () => {
  test.each(cases)("apply() %s as withLabels() does", (_, labels, set, del) => {
    const series = labelsFromRecord(labels);
    expect(new LabelMerge(set, del).apply(series)).toEqual(withLabels(series, set, del));
  });

  test("apply() equals withLabels() on random label sets", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const names = ["__name__", "a", "job", "le", "zone", "Z", "é", "_x"];
    const pick = () => {
      const out: Record<string, string> = {};
      for (const n of names) if (rand(3) === 0) out[n] = ["", "v", "w"][rand(3)];
      return out;
    };
    for (let i = 0; i < 500; i++) {
      const series = labelsFromRecord(pick());
      const set = pick();
      const del = names.filter(() => rand(5) === 0);
      const merge = new LabelMerge(set, del);
      expect(merge.apply(series)).toEqual(merge.applyReference(series));
    }
  });
});

describe("recordingOutput()", () => {
  const rule = parseRuleFile(
    "groups:\n- name: g\n  rules:\n  - record: job:m:sum\n    expr: m\n    labels: { team: a, zone: '' }\n",
    "t.yml",
  ).groups[0].rules[0] as RecordingRule;

  test("gives the same series through the prepared merge as through the reference", () => {
    const result: QueryResult = {
      type: "vector",
      samples: [
        { labels: labelsFromRecord({ __name__: "m", job: "x", zone: "1" }), t: 0, v: 1 },
        { labels: labelsFromRecord({ job: "y", team: "b" }), t: 0, v: 2 },
      ],
    };
    const fast = recordingOutput(rule, result, 0);
    expect(fast).toEqual(recordingOutput(rule, result, 0, true));
    expect(fast[0].labels).toEqual(["__name__", "job:m:sum", "job", "x", "team", "a"]);
  });
});
