/**
 * Prints the PromQL conformance report: `bun scripts/promql-conformance.ts [--file functions.test]…
 * [--core] [--verbose] [--update] [--no-at-variants] [--mode NAME]`. `--update` rewrites
 * passing.txt from this run; `--no-at-variants` skips the `@`-pinned re-runs of instant evals;
 * `--mode` runs one storage mode of promqltest/modes.ts (default `whole`: the fast paths over
 * whole series). Exits 1 when an eval listed in passing.txt no longer passes.
 */
import { importParser } from "../aggregator/promql/promqltest/atmodifier.ts";
import { runCli } from "../aggregator/promql/promqltest/cli.ts";
import { modeHarness, storageModes } from "../aggregator/promql/promqltest/modes.ts";

const args = process.argv.slice(2);
const at = args.indexOf("--mode");
const name = at >= 0 ? args[at + 1] : "whole";
const modes = storageModes();
const mode = modes.find((m) => m.name === name);
if (mode === undefined) {
  console.error(
    `Cannot run mode "${name}": expected one of ${modes.map((m) => m.name).join(", ")}`,
  );
  process.exit(1);
}
const parser = args.includes("--no-at-variants") ? undefined : await importParser();
const harness = modeHarness(mode, parser);
const argv = args.filter((a, i) => a !== "--no-at-variants" && i !== at && i !== at + 1);
const code = await runCli(argv, harness);
for (const m of modes) m.close();
process.exit(code);
