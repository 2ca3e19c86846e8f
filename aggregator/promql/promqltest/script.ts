/**
 * The PromQL test script format (testdata/promql/FORMAT.md): `load`, `clear` and
 * `eval` commands, parsed as Prometheus's promqltest parses them, line by line. Each command
 * keeps its 1-based line number so a result can be named `file:line`.
 */

import type { Labels } from "../../../shared/model/labels.ts";
import { parseDuration } from "../../../shared/time/duration.ts";
import { type Expect, parseExpectLine, parseExpectString } from "./expect.ts";
import { parseGoNumber, parseSeriesDesc, type SequenceValue } from "./series.ts";

/** One series of a `load` command. */
export interface LoadSeries {
  readonly line: number;
  readonly labels: Labels;
  readonly values: SequenceValue[];
}

/** `load[_with_nhcb] <interval>`: samples at 0, interval, 2·interval… */
export interface LoadCommand {
  readonly kind: "load";
  readonly line: number;
  readonly intervalMs: number;
  /** `load_with_nhcb`: classic histograms are also loaded as native histograms. */
  readonly withNhcb: boolean;
  readonly series: LoadSeries[];
  /** Series given start timestamps (`…@st` lines), which the storage seam cannot hold. */
  readonly startTimestampSeries: Labels[];
}

/** `clear`: drops everything loaded. */
export interface ClearCommand {
  readonly kind: "clear";
  readonly line: number;
}

/** One expected series of an `eval`; `pos` is its 1-based position among the series lines. */
export interface ExpectedSeries {
  readonly line: number;
  readonly pos: number;
  readonly labels: Labels;
  readonly values: SequenceValue[];
}

/** `eval instant at <t> <query>` or `eval range from <a> to <b> step <s> <query>`. */
export interface EvalCommand {
  readonly kind: "eval";
  readonly line: number;
  readonly query: string;
  readonly range: boolean;
  /** The instant query's time (the `expect range vector` end when given). */
  evalMs: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Deprecated `eval_fail` / `eval_warn` / `eval_info` / `eval_ordered`. */
  readonly legacy: { fail: boolean; warn: boolean; info: boolean; ordered: boolean };
  /** Deprecated `expected_fail_message` / `expected_fail_regexp`. */
  failMessage: string | null;
  failRegexp: RegExp | null;
  readonly expects: Expect[];
  readonly expected: ExpectedSeries[];
  expectedScalar: number | null;
  expectedString: string;
  /** `expect range vector`: the instant query returns a range vector. */
  rangeVector: boolean;
  /** Not re-run as a range query (range-vector and string results). */
  excludeFromRangeQuery: boolean;
}

/** Any script command. */
export type Command = LoadCommand | ClearCommand | EvalCommand;

const LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE =
  /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

/** Parses a whole script. Throws a SyntaxError naming `file:line` on the first bad line. */
export function parseScript(text: string, file = "script"): Command[] {
  // Comments become blank lines, which end a command's block, as in promqltest.
  const lines = text.split("\n").map((l) => {
    const t = l.trim();
    return t.startsWith("#") ? "" : t;
  });
  const commands: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === "") continue;
    const word = l.split(/[\t ]+/, 1)[0].toLowerCase();
    try {
      if (word === "clear") commands.push({ kind: "clear", line: i + 1 });
      else if (word.startsWith("load")) i = parseLoad(lines, i, commands);
      else if (word.startsWith("eval")) i = parseEval(lines, i, commands);
      else throw new Error(`invalid command "${l}"`);
    } catch (error) {
      const at = error instanceof LineError ? error.line : i;
      throw new SyntaxError(`Cannot parse ${file}:${at + 1}: ${(error as Error).message}`);
    }
  }
  return commands;
}

/** An error on a specific (0-based) line inside a command's block. */
class LineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

function parseLoad(lines: string[], i: number, out: Command[]): number {
  const m = LOAD.exec(lines[i]);
  if (m === null) throw new Error("invalid load command (load[_with_nhcb] <step:duration>)");
  const cmd: LoadCommand = {
    kind: "load",
    line: i + 1,
    intervalMs: parseDuration(m[2]),
    withNhcb: m[1] === "with_nhcb",
    series: [],
    startTimestampSeries: [],
  };
  let defaultStartTimestamps = false;
  for (; i + 1 < lines.length && lines[i + 1] !== ""; i++) {
    const def = lines[i + 1];
    const first = def.split(/[\t ]/, 1)[0];
    try {
      if (first.endsWith("@st")) {
        // Start timestamps are recognised only so that the evals using them can be skipped.
        const metric = first.slice(0, -3);
        if (metric === "") defaultStartTimestamps = true;
        else cmd.startTimestampSeries.push(parseSeriesDesc(metric).labels);
        continue;
      }
      const desc = parseSeriesDesc(def);
      cmd.series.push({ line: i + 2, ...desc });
    } catch (error) {
      throw new LineError(i + 1, (error as Error).message);
    }
  }
  if (defaultStartTimestamps) {
    for (const s of cmd.series) cmd.startTimestampSeries.push(s.labels);
  }
  out.push(cmd);
  return i;
}

/** The `__name__` of a label set ("" when absent). */
export function metricName(labels: Labels): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === "__name__") return labels[i + 1];
  return "";
}

function parseEval(lines: string[], i: number, out: Command[]): number {
  const cmd = evalHeader(lines[i], i + 1);
  out.push(cmd);
  for (; i + 1 < lines.length && lines[i + 1] !== ""; ) {
    i++;
    const def = lines[i];
    try {
      if (evalLine(cmd, def, i + 1) === "end") break;
    } catch (error) {
      throw new LineError(i, (error as Error).message);
    }
  }
  return i;
}

function evalHeader(header: string, line: number): EvalCommand {
  const instant = EVAL_INSTANT.exec(header);
  const range = instant === null ? EVAL_RANGE.exec(header) : null;
  if (instant === null && range === null) {
    throw new Error(
      "invalid evaluation command: expected 'eval[_fail|_warn|_info|_ordered] instant at <time> <query>' or 'eval[_fail|_warn|_info] range from <start> to <end> step <step> <query>'",
    );
  }
  const modifier = (instant ?? range)![1];
  const legacy = {
    fail: modifier === "fail",
    warn: modifier === "warn",
    info: modifier === "info",
    ordered: modifier === "ordered",
  };
  const base = {
    kind: "eval" as const,
    line,
    legacy,
    failMessage: null,
    failRegexp: null,
    expects: [],
    expected: [],
    expectedScalar: null,
    expectedString: "",
    rangeVector: false,
    excludeFromRangeQuery: false,
  };
  if (instant !== null) {
    const t = parseDuration(instant[2] ?? "");
    return { ...base, query: instant[3], range: false, evalMs: t, startMs: t, endMs: t, stepMs: 0 };
  }
  const [startMs, endMs, stepMs] = parseSpan(range![2], range![3], range![4]);
  return { ...base, query: range![5], range: true, evalMs: startMs, startMs, endMs, stepMs };
}

/** Parses a `from`/`to`/`step` triple, checking that the range does not run backwards. */
function parseSpan(from: string, to: string, step: string): [number, number, number] {
  const start = parseDuration(from);
  const end = parseDuration(to);
  if (end < start) {
    throw new Error(
      `invalid test definition, end timestamp (${to}) is before start timestamp (${from})`,
    );
  }
  return [start, end, parseDuration(step)];
}

/** Applies one line of an eval block; "end" when the line closes the block (as promqltest does). */
function evalLine(cmd: EvalCommand, def: string, line: number): "more" | "end" {
  if (cmd.legacy.fail && def.startsWith("expected_fail_message")) {
    cmd.failMessage = def.slice("expected_fail_message".length).trim();
    return "end";
  }
  if (cmd.legacy.fail && def.startsWith("expected_fail_regexp")) {
    cmd.failRegexp = new RegExp(def.slice("expected_fail_regexp".length).trim());
    return "end";
  }
  if (def.startsWith("expect range vector")) {
    const m = EXPECT_RANGE.exec(def);
    if (m === null) throw new Error(`invalid range vector definition "${def}"`);
    [cmd.startMs, cmd.endMs, cmd.stepMs] = parseSpan(m[1], m[2], m[3]);
    cmd.evalMs = cmd.endMs;
    cmd.rangeVector = true;
    cmd.excludeFromRangeQuery = true;
    return "more";
  }
  if (def.startsWith("expect string")) {
    cmd.expectedString = parseExpectString(def);
    cmd.excludeFromRangeQuery = true;
    return "more";
  }
  // A metric named `expect` can still be written as `expect{}`.
  if (def.split(" ", 1)[0] === "expect") {
    cmd.expects.push(parseExpectLine(def, cmd.expects));
    return "more";
  }
  const scalar = parseGoNumber(def);
  if (scalar !== undefined) {
    cmd.expectedScalar = scalar;
    return "end";
  }
  const desc = parseSeriesDesc(def);
  if (desc.values.length > 1 && !cmd.range && !cmd.rangeVector) {
    throw new Error(
      "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query",
    );
  }
  cmd.expected.push({ line, pos: cmd.expected.length + 1, ...desc });
  return "more";
}
