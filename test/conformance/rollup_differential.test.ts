/**
 * Rollups answer exactly as raw samples: generated range-function queries over generated data
 * written to Parquet and compacted with 1 m and 5 m rollups (test/harness/rollup_differential.ts)
 * must be answered bit for bit alike at `auto` resolution and from raw samples.
 * `bun scripts/rollup-differential.ts --cases N --seed S` runs more.
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import { firstDifference } from "../harness/promql_differential.ts";
import { runRollupDifferential } from "../harness/rollup_differential.ts";

setDefaultTimeout(300_000);

test("rollups answer generated queries bit for bit as raw samples do", async () => {
  const { cases, rollupReads, differences } = await runRollupDifferential({
    datasets: 2,
    cases: 300,
    seed: 1,
  });
  console.log(`rollup differential: ${cases} cases, ${rollupReads} read rollups`);
  const report = differences.map(
    (d) => `seed ${d.seed} ${JSON.stringify(d.at)} ${d.query}\n${firstDifference(d.raw, d.rollup)}`,
  );
  expect(report).toEqual([]);
  // Worth running only if many queries took the rollup path.
  expect(rollupReads).toBeGreaterThan(cases / 4);
});
