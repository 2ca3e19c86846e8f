import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileDiscovery } from "./file_sd.ts";

test("YAML label values that are numbers or booleans are their text, as Go reads them; JSON's are refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "file-sd-"));
  writeFileSync(
    join(dir, "a.yml"),
    "- targets: ['h:1']\n  labels: {port: 8080, enabled: true, name: x, empty: null}\n",
  );
  writeFileSync(join(dir, "b.json"), '[{"targets": ["h:2"], "labels": {"port": 8080}}]');
  const errors: string[] = [];
  const sd = new FileDiscovery({ files: ["*.yml", "*.json"], refresh_interval: 60_000 }, dir, (m) =>
    errors.push(m),
  );
  const { groups } = sd.refresh();
  expect(groups.map((g) => [g.targets, g.labels])).toEqual([
    [["h:1"], { port: "8080", enabled: "true", name: "x", empty: "" }],
  ]);
  expect(errors).toEqual([
    `Cannot read file_sd file ${join(dir, "b.json")}: group 0 has a label value that is not a string`,
  ]);
});

test("file names are globbed as Go's filepath.Glob: dot files match *, braces are text", () => {
  const dir = mkdtempSync(join(tmpdir(), "file-sd-glob-"));
  const group = (host: string) => `- targets: ['${host}:1']\n`;
  writeFileSync(join(dir, ".dot.yml"), group("dot"));
  writeFileSync(join(dir, "{a,b}.yml"), group("braces"));
  writeFileSync(join(dir, "a.yml"), group("a"));
  const targets = (files: string[]) =>
    new FileDiscovery({ files, refresh_interval: 60_000 }, dir, () => {})
      .refresh()
      .groups.flatMap((g) => g.targets);
  expect(targets(["*.yml"])).toEqual(["dot:1", "a:1", "braces:1"]);
  expect(targets(["{a,b}.yml"])).toEqual(["braces:1"]);
});
