/**
 * Prints the PromQL conformance report: `bun scripts/promql-conformance.ts [--file functions.test]…
 * [--core] [--verbose] [--update] [--no-at-variants]`. `--update` rewrites passing.txt from this
 * run; `--no-at-variants` skips the `@`-pinned re-runs of instant evals. Exits 1 when an eval
 * listed in passing.txt no longer passes.
 */
import { importParser } from "../aggregator/promql/promqltest/atmodifier.ts";
import { runCli } from "../aggregator/promql/promqltest/cli.ts";
import { ENGINE_OPTIONS, type Harness } from "../aggregator/promql/promqltest/runner.ts";

// Imported by path: the engine is written in parallel and may not exist yet.
const enginePath = new URL("../aggregator/promql/engine/engine.ts", import.meta.url).pathname;
if (!(await Bun.file(enginePath).exists())) {
  console.error(`Cannot run the PromQL conformance scripts: ${enginePath} does not exist yet`);
  process.exit(1);
}
const { Engine } = await import(enginePath);
const harness: Harness = {
  makeEngine: (queryable) => new Engine(queryable, ENGINE_OPTIONS),
  parser: process.argv.includes("--no-at-variants") ? undefined : await importParser(),
};
const argv = process.argv.slice(2).filter((a) => a !== "--no-at-variants");
process.exit(await runCli(argv, harness));
