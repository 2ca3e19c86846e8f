/**
 * The differential test: generated queries over generated data (test/harness/promql_differential.ts),
 * answered by the reference mode and by the fast paths in every storage mode, must agree bit
 * for bit. `bun scripts/promql-differential.ts --cases N --seed S` runs more.
 */
import { afterAll, expect, test } from "bun:test";
import { regressionWindows } from "../../aggregator/promql/engine/fast/regression_kernel.ts";
import { storageModes } from "../../aggregator/promql/promqltest/modes.ts";
import { firstDifference, runDifferential } from "../harness/promql_differential.ts";

const modes = storageModes().filter((m) => m.name !== "reference");
afterAll(() => {
  for (const m of modes) m.close();
});

test("the fast paths answer generated queries bit for bit as the reference mode", async () => {
  const { cases, differences } = await runDifferential({ datasets: 4, cases: 500, seed: 1, modes });
  console.log(`differential: ${cases} cases × ${modes.length} fast modes`);
  const report = differences.map(
    (d) =>
      `${d.mode} seed ${d.seed} ${JSON.stringify(d.at)} ${d.query}\n${firstDifference(d.reference, d.fast)}`,
  );
  expect(report).toEqual([]);
  // The helper mode is only worth its time if the helper took part.
  const helper = modes.find((m) => m.name === "helper")?.engine.rateHelper;
  console.log(`rate helper jobs: ${helper?.jobsRun}, shared folds: ${helper?.foldsRun}`);
  expect(helper?.jobsRun).toBeGreaterThan(100);
  expect(helper?.foldsRun).toBeGreaterThan(100);
  // The data reach deriv/predict_linear's exact sliding sums and their fallback both.
  console.log(`least-squares windows: ${JSON.stringify(regressionWindows)}`);
  expect(regressionWindows.exact).toBeGreaterThan(1000);
  expect(regressionWindows.reference).toBeGreaterThan(1000);
}, 120_000);
