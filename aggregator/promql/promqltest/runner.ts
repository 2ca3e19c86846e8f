/**
 * Runs PromQL test scripts against an engine: loads data into a MemoryStorage, evaluates each
 * eval, and reports every eval as passed, failed (with the reason) or skipped (with the
 * feature it needs that Outpost's storage cannot hold: native histograms, start timestamps).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type MemorySample, MemoryStorage } from "../../storage/memory.ts";
import type { Queryable } from "../../storage/storage.ts";
import type { QueryParser } from "./atmodifier.ts";
import { evaluate, type QueryEngine } from "./evaluate.ts";
import type { StorageMode } from "./modes.ts";
import { type EvalCommand, type LoadCommand, parseScript } from "./script.ts";
import { NATIVE_HISTOGRAMS, nhcbSeriesOf, START_TIMESTAMPS, Unsupported } from "./unsupported.ts";

export type { QueryEngine } from "./evaluate.ts";
export { NATIVE_HISTOGRAMS, START_TIMESTAMPS } from "./unsupported.ts";

/** How one eval went. */
export type EvalStatus = "passed" | "failed" | "skipped";

/** One eval's outcome, named by `file:line`. */
export interface EvalResult {
  readonly file: string;
  readonly line: number;
  readonly query: string;
  readonly status: EvalStatus;
  /** Why it failed or was skipped; null when it passed. */
  readonly reason: string | null;
  /** The result the engine gave, for failures that had one. */
  readonly detail?: string;
}

/** One script's outcome: its evals, or the reason it could not be parsed. */
export interface FileReport {
  readonly file: string;
  readonly results: EvalResult[];
  readonly error: string | null;
}

/**
 * What the runner needs: an engine over a storage, optionally a storage mode (the script's
 * data served as another store would: modes.ts) and the parser for `@` variants.
 */
export interface Harness {
  makeEngine(queryable: Queryable): QueryEngine;
  storage?: StorageMode;
  parser?: QueryParser;
}

/**
 * Engine options equal to Prometheus's test engine (`promqltest.NewTestEngine`): 5 m lookback,
 * experimental functions on, and delayed `__name__` removal on, which the scripts assume.
 */
export const ENGINE_OPTIONS = {
  lookbackDelta: 300_000,
  enableExperimentalFunctions: true,
  enableDelayedNameRemoval: true,
} as const;

/** The stable "core set" of the conformance README: floats and classic histograms. */
export const CORE_FILES: readonly string[] = [
  "aggregators.test",
  "at_modifier.test",
  "collision.test",
  "functions.test",
  "histograms.test",
  "limit.test",
  "literals.test",
  "name_label_dropping.test",
  "operators.test",
  "range_queries.test",
  "selectors.test",
  "staleness.test",
  "subquery.test",
  "trig_functions.test",
];

/** Runs each named script in `dir`, one after the other. */
export async function runFiles(
  dir: string,
  files: readonly string[],
  harness: Harness,
): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) {
    reports.push(await runScript(file, readFileSync(join(dir, file), "utf8"), harness));
  }
  return reports;
}

/** Parses and runs one script; a script that does not parse is reported with no evals. */
export async function runScript(file: string, text: string, harness: Harness): Promise<FileReport> {
  let commands: ReturnType<typeof parseScript>;
  try {
    commands = parseScript(text, file);
  } catch (error) {
    return { file, results: [], error: (error as Error).message };
  }
  const storage = new MemoryStorage();
  const view = harness.storage?.view(storage);
  const engine = harness.makeEngine(view ?? storage);
  const unsupported = new Unsupported();
  const results: EvalResult[] = [];
  try {
    await runCommands(file, commands, { storage, engine, unsupported, results }, harness.parser);
  } finally {
    view?.close();
  }
  return { file, results, error: null };
}

async function runCommands(
  file: string,
  commands: ReturnType<typeof parseScript>,
  run: {
    storage: MemoryStorage;
    engine: QueryEngine;
    unsupported: Unsupported;
    results: EvalResult[];
  },
  parser: QueryParser | undefined,
): Promise<void> {
  const { storage, engine, unsupported, results } = run;
  for (const cmd of commands) {
    if (cmd.kind === "clear") {
      storage.clear();
      unsupported.clear();
    } else if (cmd.kind === "load") {
      load(storage, cmd, unsupported);
    } else {
      results.push(await runEval(file, cmd, engine, parser, unsupported));
    }
  }
}

async function runEval(
  file: string,
  cmd: EvalCommand,
  engine: QueryEngine,
  parser: QueryParser | undefined,
  unsupported: Unsupported,
): Promise<EvalResult> {
  const base = { file, line: cmd.line, query: cmd.query };
  // An eval expecting a histogram, or reading a series loaded with data this storage cannot
  // hold, cannot pass here: it is skipped, with the reason.
  const skip = cmd.expected.some((e) => e.values.includes("histogram"))
    ? NATIVE_HISTOGRAMS
    : unsupported.reasonFor(cmd.query, parser);
  if (skip !== null) return { ...base, status: "skipped", reason: skip };
  const failure = await evaluate(cmd, engine, parser);
  if (failure === null) return { ...base, status: "passed", reason: null };
  const { skipped, ...why } = failure;
  return { ...base, status: skipped === true ? "skipped" : "failed", ...why };
}

/** Appends a load's float samples (from t=0 by the interval) and notes what cannot be loaded. */
function load(storage: MemoryStorage, cmd: LoadCommand, unsupported: Unsupported): void {
  // Within one load a series listed twice keeps only its last line, as in promqltest.
  const series = new Map(cmd.series.map((s) => [JSON.stringify(s.labels), s]));
  for (const s of series.values()) {
    const samples: MemorySample[] = [];
    for (const [i, v] of s.values.entries()) {
      if (typeof v === "number" || v === "stale") samples.push([i * cmd.intervalMs, v]);
    }
    storage.append(s.labels, samples);
    if (s.values.includes("histogram")) unsupported.add(s.labels, NATIVE_HISTOGRAMS);
    // load_with_nhcb also loads each classic histogram as a native one under its base name.
    const nhcb = cmd.withNhcb ? nhcbSeriesOf(s.labels) : undefined;
    if (nhcb !== undefined) unsupported.add(nhcb, NATIVE_HISTOGRAMS);
  }
  for (const labels of cmd.startTimestampSeries) unsupported.add(labels, START_TIMESTAMPS);
}
