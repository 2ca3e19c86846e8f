import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandRuleGlobs, loadRuleFiles } from "./load.ts";

const GOOD = "groups:\n  - name: NAME\n    rules:\n      - record: r\n        expr: up\n";
const BAD = "groups:\n  - name: broken\n    rules:\n      - record: r\n        expr: 'up =='\n";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "outpost-rules-"));
  mkdirSync(join(dir, "rules/extra"), { recursive: true });
  writeFileSync(join(dir, "rules/b.yml"), GOOD.replace("NAME", "b"));
  writeFileSync(join(dir, "rules/a.yml"), GOOD.replace("NAME", "a"));
  writeFileSync(join(dir, "rules/.hidden.yml"), GOOD.replace("NAME", "hidden"));
  writeFileSync(join(dir, "rules/broken.yml"), BAD);
  writeFileSync(join(dir, "rules/extra/c.yml"), GOOD.replace("NAME", "c"));
  writeFileSync(join(dir, "rules/{x}.yml"), GOOD.replace("NAME", "x"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("expandRuleGlobs()", () => {
  const cases: [string, string[], string[]][] = [
    [
      "sorts a glob's matches, dot files included as in Go",
      ["rules/*.yml"],
      [".hidden.yml", "a.yml", "b.yml", "broken.yml", "{x}.yml"],
    ],
    ["takes a plain path that exists", ["rules/a.yml"], ["a.yml"]],
    ["skips a plain path that does not exist", ["rules/none.yml"], []],
    ["skips a glob under a missing folder", ["missing/*.yml"], []],
    ["loads a file two globs name once", ["rules/a.yml", "rules/[ab].yml"], ["a.yml", "b.yml"]],
    ["reads nested folders", ["rules/*/*.yml"], ["extra/c.yml"]],
    ["reads braces as text, as Go does", ["rules/{x}.yml", "rules/{a,b}.yml"], ["{x}.yml"]],
    [
      "reads ** as one segment's *, as Go does",
      ["rules/**.yml"],
      [".hidden.yml", "a.yml", "b.yml", "broken.yml", "{x}.yml"],
    ],
    ["matches a folder, which then fails to load as in Prometheus", ["rules/ex*"], ["extra"]],
  ];
  test.each(cases)("%s", async (_, globs, want) => {
    const found = await expandRuleGlobs(globs, dir);
    expect(found).toEqual(want.map((f) => join(dir, "rules", f)));
  });

  test("takes absolute globs as they are", async () => {
    expect(await expandRuleGlobs([join(dir, "rules/a.*")], "/elsewhere")).toEqual([
      join(dir, "rules/a.yml"),
    ]);
  });
});

describe("loadRuleFiles()", () => {
  test("loads the good files' groups and reports the bad file's problems", async () => {
    const loaded = await loadRuleFiles(["rules/*.yml", "rules/extra/*.yml"], dir);
    expect(loaded.groups.map((g) => g.name)).toEqual(["hidden", "a", "b", "x", "c"]);
    expect(loaded.groups[1].file).toBe(join(dir, "rules/a.yml"));
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ file: join(dir, "rules/broken.yml"), line: 5 });
    const broken = loaded.files.find((f) => f.file.endsWith("broken.yml"))!;
    expect(broken.refused).toEqual(["broken"]);
  });

  test("loads nothing from no globs", async () => {
    expect(await loadRuleFiles([], dir)).toEqual({ files: [], groups: [], problems: [] });
  });
});
