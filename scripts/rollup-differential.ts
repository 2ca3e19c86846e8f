/**
 * Runs the rollup differential test with more cases than `make test` does:
 * `bun scripts/rollup-differential.ts [--cases N] [--datasets D] [--seed S]` (N cases per data
 * set; every other data set leaves its last hour unrolled). Prints each difference between
 * raw and `auto` answers (at most 20) and exits 1 if any.
 */
import { parseArgs } from "node:util";
import { firstDifference } from "../test/harness/promql_differential.ts";
import { runRollupDifferential } from "../test/harness/rollup_differential.ts";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "1000" },
    datasets: { type: "string", default: "6" },
    seed: { type: "string", default: String(Date.now() % 100_000) },
  },
});
const seed = Number(values.seed);
const started = performance.now();
const { cases, rollupReads, dayReads, differences } = await runRollupDifferential({
  datasets: Number(values.datasets),
  cases: Number(values.cases),
  seed,
});
for (const d of differences) {
  console.log(`${d.kind} seed ${d.seed} ${JSON.stringify(d.at)} ${d.query}`);
  console.log(firstDifference(d.raw, d.other));
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${cases} cases from seed ${seed}: ${rollupReads} read rollups (${dayReads} 1 h), ${differences.length} differences (${seconds} s)`,
);
process.exit(differences.length > 0 ? 1 : 0);
