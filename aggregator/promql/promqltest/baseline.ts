/**
 * The committed baseline `passing.txt`: one `file:line` per eval known to pass. The gate fails
 * when a listed eval stops passing; newly passing evals are added with `--update`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { FileReport } from "./runner.ts";

/** Where the baseline lives, beside this file. */
export const BASELINE_PATH = new URL("./passing.txt", import.meta.url).pathname;

const HEADER = [
  "# PromQL conformance evals that pass (file:line in aggregator/promql/promqltest/testdata/promql).",
  "# The gate (test/conformance/promql.test.ts) fails when one of these stops passing.",
  "# Regenerate with: bun scripts/promql-conformance.ts --update",
];

/** Reads the baseline's `file:line` entries (an absent file is an empty baseline). */
export function readBaseline(path = BASELINE_PATH): Set<string> {
  if (!existsSync(path)) return new Set();
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  return new Set(entries);
}

/** The `file:line` of every passing eval in the reports. */
export function passingEntries(reports: readonly FileReport[]): string[] {
  return reports.flatMap((r) =>
    r.results.filter((e) => e.status === "passed").map((e) => `${e.file}:${e.line}`),
  );
}

/** How the reports differ from the baseline, over the files that were run. */
export interface BaselineDiff {
  /** Listed in the baseline, not passing now. */
  readonly regressions: string[];
  /** Passing now, not yet listed. */
  readonly newlyPassing: string[];
}

/** Compares the reports with the baseline entries of the same files. */
export function diffBaseline(reports: readonly FileReport[], baseline: Set<string>): BaselineDiff {
  const files = new Set(reports.map((r) => r.file));
  const passing = new Set(passingEntries(reports));
  const regressions = [...baseline].filter((e) => files.has(fileOf(e)) && !passing.has(e));
  const newlyPassing = [...passing].filter((e) => !baseline.has(e));
  return { regressions: sortEntries(regressions), newlyPassing: sortEntries(newlyPassing) };
}

/** Rewrites the baseline: entries of the files that were run are replaced by what passes now. */
export function updateBaseline(reports: readonly FileReport[], path = BASELINE_PATH): number {
  const files = new Set(reports.map((r) => r.file));
  const kept = [...readBaseline(path)].filter((e) => !files.has(fileOf(e)));
  const entries = sortEntries([...kept, ...passingEntries(reports)]);
  writeFileSync(path, `${[...HEADER, ...entries].join("\n")}\n`);
  return entries.length;
}

function fileOf(entry: string): string {
  return entry.slice(0, entry.lastIndexOf(":"));
}

function sortEntries(entries: string[]): string[] {
  const line = (e: string) => Number(e.slice(e.lastIndexOf(":") + 1));
  const byFile = (a: string, b: string) =>
    fileOf(a) < fileOf(b) ? -1 : fileOf(a) > fileOf(b) ? 1 : 0;
  return entries.sort((a, b) => byFile(a, b) || line(a) - line(b));
}
