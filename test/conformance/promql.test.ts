/**
 * The PromQL conformance gate: runs Prometheus's test scripts (the core set and the later
 * one, ~1 s in all) against the engine and fails when an eval listed in passing.txt no longer
 * passes. Newly passing evals are printed; add them with
 * `bun scripts/promql-conformance.ts --update`.
 */
import { expect, test } from "bun:test";
import { importParser } from "../../aggregator/promql/promqltest/atmodifier.ts";
import { diffBaseline, readBaseline } from "../../aggregator/promql/promqltest/baseline.ts";
import { conformanceDir, scriptFiles, summary } from "../../aggregator/promql/promqltest/cli.ts";
import {
  CORE_FILES,
  ENGINE_OPTIONS,
  type Harness,
  runFiles,
} from "../../aggregator/promql/promqltest/runner.ts";

// Imported by path: the engine is written in parallel and may not exist yet.
const enginePath = new URL("../../aggregator/promql/engine/engine.ts", import.meta.url).pathname;
const engineExists = await Bun.file(enginePath).exists();

test.skipIf(!engineExists)(
  "the conformance scripts still pass every eval listed in passing.txt",
  async () => {
    const { Engine } = await import(enginePath);
    const harness: Harness = {
      makeEngine: (queryable) => new Engine(queryable, ENGINE_OPTIONS),
      parser: await importParser(),
    };
    const reports = await runFiles(conformanceDir(), scriptFiles(conformanceDir()), harness);
    const { regressions, newlyPassing } = diffBaseline(reports, readBaseline());
    console.log(`PromQL core set: ${summary(reports.filter((r) => CORE_FILES.includes(r.file)))}`);
    console.log(`PromQL all scripts: ${summary(reports)}`);
    if (newlyPassing.length > 0) {
      console.log(`newly passing, add with --update: ${newlyPassing.join(" ")}`);
    }
    const failed = reports
      .flatMap((r) => r.results)
      .filter((e) => regressions.includes(`${e.file}:${e.line}`))
      .map((e) => `${e.file}:${e.line} ${e.query}: ${e.reason}`);
    expect(failed).toEqual([]);
  },
  60_000,
);
