/**
 * Runs the PromQL differential test with more cases than `make test` does:
 * `bun scripts/promql-differential.ts [--cases N] [--datasets D] [--seed S]` (N cases per data
 * set, each in every fast mode). Prints each difference between the reference mode and a fast
 * mode (at most 20) and exits 1 if any.
 */
import { parseArgs } from "node:util";
import { storageModes } from "../aggregator/promql/promqltest/modes.ts";
import { firstDifference, runDifferential } from "../test/harness/promql_differential.ts";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "2000" },
    datasets: { type: "string", default: "8" },
    seed: { type: "string", default: String(Date.now() % 100_000) },
  },
});
const modes = storageModes().filter((m) => m.name !== "reference");
const seed = Number(values.seed);
const started = performance.now();
const { cases, differences } = await runDifferential({
  datasets: Number(values.datasets),
  cases: Number(values.cases),
  seed,
  modes,
});
for (const m of modes) m.close();
for (const d of differences) {
  console.log(`${d.mode} seed ${d.seed} ${JSON.stringify(d.at)} ${d.query}`);
  console.log(firstDifference(d.reference, d.fast));
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${cases} cases × ${modes.length} fast modes from seed ${seed}: ${differences.length} differences (${seconds} s)`,
);
process.exit(differences.length > 0 ? 1 : 0);
