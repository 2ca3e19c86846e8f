/**
 * Rollups answer exactly as raw samples: generated range-function queries over generated data
 * written to Parquet and compacted with 1 m, 5 m and 1 h rollups (test/harness/rollup_differential.ts)
 * must be answered bit for bit alike at `auto` resolution and from raw samples, and raw from
 * Parquet as from the data it was written from. The engines run `auto` with every exact row
 * kernel at span 0 (ALL_EXACT_SPANS), a superset of what DEFAULT_ROLLUP_SPANS reads.
 * `bun scripts/rollup-differential.ts --cases N --seed S` runs more.
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import {
  ALL_EXACT_SPANS,
  DEFAULT_ROLLUP_SPANS,
} from "../../aggregator/promql/engine/rollup/plan.ts";
import { firstDifference } from "../harness/promql_differential.ts";
import { ROLLUP_FUNCS, runRollupDifferential } from "../harness/rollup_differential.ts";

setDefaultTimeout(300_000);

test("rollups answer generated queries bit for bit as raw samples do", async () => {
  const { cases, rollupReads, dayReads, differences } = await runRollupDifferential({
    datasets: 2,
    cases: 300,
    seed: 1,
  });
  console.log(
    `rollup differential: ${cases} cases, ${rollupReads} read rollups, ${dayReads} of them 1 h`,
  );
  const report = differences.map(
    (d) =>
      `${d.kind} seed ${d.seed} ${JSON.stringify(d.at)} ${d.query}\n${firstDifference(d.raw, d.other)}`,
  );
  expect(report).toEqual([]);
  // Worth running only if many queries took the rollup path.
  expect(rollupReads).toBeGreaterThan(cases / 4);
  expect(dayReads).toBeGreaterThan(cases / 40);
});

test("the differential test calls every function auto reads from rollups", () => {
  for (const f of Object.keys(DEFAULT_ROLLUP_SPANS)) {
    expect(ROLLUP_FUNCS).toContain(f);
    expect(ALL_EXACT_SPANS[f]).toBe(0);
  }
});
