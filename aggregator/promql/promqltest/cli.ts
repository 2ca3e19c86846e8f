/**
 * The conformance report behind `bun scripts/promql-conformance.ts [--file f.test]… [--core]
 * [--verbose] [--update]`: per file passed/failed/skipped, every failure as `file:line`, its
 * query and the first difference, then how the run compares with `passing.txt`.
 */
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { BASELINE_PATH, diffBaseline, readBaseline, updateBaseline } from "./baseline.ts";
import { CORE_FILES, type FileReport, type Harness, runFiles } from "./runner.ts";

/** Parsed command-line flags. */
export interface CliArgs {
  readonly files: string[];
  readonly core: boolean;
  readonly verbose: boolean;
  readonly update: boolean;
}

/** Reads the flags; throws a TypeError naming an unknown one. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const files: string[] = [];
  let core = false;
  let verbose = false;
  let update = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--file" && i + 1 < argv.length) files.push(argv[++i]);
    else if (a.startsWith("--file=")) files.push(a.slice("--file=".length));
    else if (a === "--core") core = true;
    else if (a === "--verbose" || a === "-v") verbose = true;
    else if (a === "--update") update = true;
    else
      throw new TypeError(
        `Cannot parse argument "${a}": expected --file <name>, --core, --verbose or --update`,
      );
  }
  return {
    files: files.map((f) => (f.endsWith(".test") ? f : `${f}.test`)),
    core,
    verbose,
    update,
  };
}

/**
 * Where the scripts are: $PROMQL_CONFORMANCE_DIR, else the copy committed in `testdata/promql`
 * (Prometheus's scripts, unchanged, with their LICENSE and NOTICE), so a clean checkout runs
 * the gate with nothing beside it.
 */
export function conformanceDir(): string {
  const candidates = [
    process.env.PROMQL_CONFORMANCE_DIR,
    resolve(import.meta.dir, "testdata/promql"),
  ];
  const found = candidates.find((d) => d !== undefined && existsSync(resolve(d, "FORMAT.md")));
  if (found === undefined) {
    throw new Error(
      `Cannot find the PromQL conformance scripts: looked in ${candidates.filter(Boolean).join(", ")}`,
    );
  }
  return found;
}

/** Where runCli reads and writes, and prints; tests point these elsewhere. */
export interface CliEnv {
  readonly print: (line: string) => void;
  readonly baselinePath: string;
  readonly dir: string;
}

/** Every script in `dir`, by name. */
export function scriptFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".test"))
    .sort();
}

/** Runs the report; returns the exit code (1 when an eval listed in passing.txt fails). */
export async function runCli(
  argv: readonly string[],
  harness: Harness,
  env: Partial<CliEnv> = {},
): Promise<number> {
  const args = parseArgs(argv);
  const print = env.print ?? console.log;
  const baselinePath = env.baselinePath ?? BASELINE_PATH;
  const dir = env.dir ?? conformanceDir();
  const all = scriptFiles(dir);
  const files = args.files.length > 0 ? args.files : args.core ? [...CORE_FILES] : all;
  const started = performance.now();
  const reports = await runFiles(dir, files, harness);
  for (const r of reports) printFile(r, args.verbose, print);
  print("");
  print(`core set: ${summary(reports.filter((r) => CORE_FILES.includes(r.file)))}`);
  print(`all run:  ${summary(reports)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const diff = diffBaseline(reports, readBaseline(baselinePath));
  if (diff.newlyPassing.length > 0) {
    const listed = args.verbose || diff.newlyPassing.length <= 20;
    const which = listed ? `: ${diff.newlyPassing.join(" ")}` : " (--verbose lists them)";
    print(`newly passing, not in passing.txt: ${diff.newlyPassing.length}${which}`);
  }
  if (diff.regressions.length > 0)
    print(`REGRESSIONS (in passing.txt, failing now): ${diff.regressions.join(" ")}`);
  if (args.update) print(`passing.txt now lists ${updateBaseline(reports, baselinePath)} evals`);
  return diff.regressions.length > 0 && !args.update ? 1 : 0;
}

/** `passed P, failed F, skipped S of N`. */
export function summary(reports: readonly FileReport[]): string {
  const results = reports.flatMap((r) => r.results);
  const count = (s: string) => results.filter((e) => e.status === s).length;
  const errors = reports.filter((r) => r.error !== null).length;
  const tail = errors > 0 ? `, ${errors} file(s) unparsable` : "";
  return `passed ${count("passed")}, failed ${count("failed")}, skipped ${count("skipped")} of ${results.length}${tail}`;
}

function printFile(r: FileReport, verbose: boolean, print: (line: string) => void): void {
  print(`${r.file.padEnd(28)} ${r.error ?? summary([r])}`);
  for (const e of r.results) {
    if (e.status === "passed" || (e.status === "skipped" && !verbose)) continue;
    print(`  ${e.status === "failed" ? "FAIL" : "SKIP"} ${e.file}:${e.line}  ${e.query}`);
    print(`       ${verbose ? e.reason : shorten(e.reason ?? "", 300)}`);
    if (verbose && e.detail !== undefined) print(`       got: ${e.detail}`);
  }
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
