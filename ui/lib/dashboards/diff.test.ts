import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { diffLines, hunks, prettyJson } from "./diff.ts";

const show = (a: string, b: string, cap?: number) =>
  diffLines(a, b, cap).lines.map(
    (l) => `${l.kind === "add" ? "+" : l.kind === "del" ? "-" : " "}${l.text}`,
  );

test("diffLines() is the shortest edit between two texts", () => {
  expect(show("a\nb\nc\nd", "a\nc\nd\ne")).toEqual([" a", "-b", " c", " d", "+e"]);
  expect(show("x", "x")).toEqual([" x"]);
  expect(show("a\nb", "b\na")).toEqual(["-a", " b", "+a"]);
});

test("line numbers count in the old and the new text", () => {
  const d = diffLines("a\nb\nc", "a\nX\nc");
  expect(d.lines.map((l) => [l.kind, l.oldNo, l.newNo])).toEqual([
    ["same", 1, 1],
    ["del", 2, 0],
    ["add", 0, 2],
    ["same", 3, 3],
  ]);
});

test("past the cap the middle is removed then added, and the diff says it is capped", () => {
  const d = diffLines("h\na\nb\nt", "h\nb\nc\nt", 4);
  expect(d.capped).toBe(true);
  expect(show("h\na\nb\nt", "h\nb\nc\nt", 4)).toEqual([" h", "-a", "-b", "+b", "+c", " t"]);
  expect(diffLines("h\na\nb\nt", "h\nb\nc\nt").capped).toBe(false);
});

test("a one-field change in Node Exporter Full gives a diff of that line", () => {
  const text = readFileSync("/work/shared/ecosystem/grafana/node-exporter-full.json", "utf8");
  const a = prettyJson(text);
  const model = JSON.parse(text);
  model.panels[1].title = "Changed";
  const b = JSON.stringify(model, null, 2);
  const d = diffLines(a, b);
  expect(d.capped).toBe(false);
  const changed = d.lines.filter((l) => l.kind !== "same");
  expect(changed.map((l) => l.kind)).toEqual(["del", "add"]);
  expect(changed[1]!.text).toContain('"title": "Changed"');
  const h = hunks(d.lines, 3);
  expect(h.length).toBe(2 + 6 + 2);
  expect(h[0]).toMatchObject({ kind: "skip" });
});

test("hunks() keeps context around changes and counts what it skips", () => {
  const d = diffLines("1\n2\n3\n4\n5\n6\n7\n8", "1\n2\n3\n4\nX\n6\n7\n8");
  const h = hunks(d.lines, 1);
  expect(h.map((x) => (x.kind === "skip" ? `…${x.count}` : x.text))).toEqual([
    "…3",
    "4",
    "5",
    "X",
    "6",
    "…2",
  ]);
});
