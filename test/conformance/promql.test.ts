/**
 * The PromQL conformance gate: runs Prometheus's test scripts (the core set and the later
 * one) against the engine in every storage mode (promqltest/modes.ts: the reference code,
 * the fast paths over whole series, over the query cache's hourly, 5-minute and joined
 * slices, and with the rate helper thread forced on) and fails when an eval listed in
 * passing.txt no longer passes in any of them. Newly passing evals are printed; add them
 * with `bun scripts/promql-conformance.ts --update`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { importParser } from "../../aggregator/promql/promqltest/atmodifier.ts";
import { diffBaseline, readBaseline } from "../../aggregator/promql/promqltest/baseline.ts";
import { conformanceDir, scriptFiles, summary } from "../../aggregator/promql/promqltest/cli.ts";
import { modeHarness, storageModes } from "../../aggregator/promql/promqltest/modes.ts";
import { CORE_FILES, runFiles } from "../../aggregator/promql/promqltest/runner.ts";

const modes = storageModes();
const parser = await importParser();
afterAll(() => {
  for (const mode of modes) mode.close();
});

describe("the conformance scripts still pass every eval listed in passing.txt", () => {
  for (const mode of modes) {
    test(`in the ${mode.name} mode`, async () => {
      const harness = modeHarness(mode, parser);
      const reports = await runFiles(conformanceDir(), scriptFiles(conformanceDir()), harness);
      const { regressions, newlyPassing } = diffBaseline(reports, readBaseline());
      const core = summary(reports.filter((r) => CORE_FILES.includes(r.file)));
      console.log(`PromQL core set (${mode.name}): ${core}`);
      console.log(`PromQL all scripts (${mode.name}): ${summary(reports)}`);
      if (newlyPassing.length > 0) {
        console.log(`newly passing, add with --update: ${newlyPassing.join(" ")}`);
      }
      const failed = reports
        .flatMap((r) => r.results)
        .filter((e) => regressions.includes(`${e.file}:${e.line}`))
        .map((e) => `${e.file}:${e.line} ${e.query}: ${e.reason}`);
      expect(failed).toEqual([]);
      const helper = mode.engine.rateHelper;
      if (helper) {
        // The mode is only worth its time if the helper took part.
        console.log(`rate helper jobs: ${helper.jobsRun}, shared folds: ${helper.foldsRun}`);
        expect(helper.jobsRun).toBeGreaterThan(100);
        expect(helper.foldsRun).toBeGreaterThan(10);
      }
    }, 60_000);
  }
});
