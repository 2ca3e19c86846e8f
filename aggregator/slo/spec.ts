/**
 * Reads a Sloth `prometheus/v1` spec file: the first YAML document, decoded strictly and
 * checked as Sloth checks it. Problems come back with file, line and column; a spec with any
 * problem generates nothing, as in Sloth.
 */
import { LineCounter, parseAllDocuments } from "yaml";
import { type ConfigProblem, reportedYamlErrors } from "../../shared/config/errors.ts";
import { posOf } from "../rules/yaml_tree.ts";
import { SpecDecoder } from "./decode.ts";
import type { ServiceSpec, SpecFinding } from "./model.ts";
import { validateSpec } from "./validate.ts";

/** A parsed spec, or the problems that stopped it. */
export interface SpecResult {
  /** Undefined when there is any problem. */
  readonly spec: ServiceSpec | undefined;
  /** Every problem, ordered by line. */
  readonly problems: readonly ConfigProblem[];
}

/** Sloth's test of whether a file is a `prometheus/v1` spec: a top-level `version` line. */
const SPEC_LINE = /^version: +['"]?prometheus\/v1['"]? *$/m;

/** True when `text` declares itself a Sloth `prometheus/v1` spec, as Sloth decides it. */
export function isSlothSpec(text: string): boolean {
  return SPEC_LINE.test(text);
}

/** Parses and checks a spec's text; `file` names it in problems. */
export function parseSloSpec(text: string, file: string): SpecResult {
  const lines = new LineCounter();
  const doc = parseAllDocuments(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const first = Array.isArray(doc) ? doc[0] : undefined;
  const findings: SpecFinding[] = [];
  if (first === undefined) {
    findings.push({
      pos: { line: 0, column: 0 },
      path: "",
      reason: "Cannot load SLO spec: the file is empty",
    });
    return result(file, undefined, findings);
  }
  const tree = { doc: first, lines };
  for (const error of reportedYamlErrors(first.errors, (at) => lines.linePos(at).line)) {
    const offset = error.pos[0];
    const pos = posOf(tree, { range: [offset, offset, offset] } as never);
    findings.push({ pos, path: "", reason: `Cannot parse YAML: ${error.message.split("\n")[0]}` });
  }
  if (findings.length > 0) return result(file, undefined, findings);
  const spec = new SpecDecoder(tree, findings).service(first.contents as never);
  if (spec) validateSpec(spec, findings);
  return result(file, spec, findings);
}

/** Reads and parses a spec file; an unreadable file is one problem, not an exception. */
export async function readSloSpec(path: string): Promise<SpecResult> {
  try {
    return parseSloSpec(await Bun.file(path).text(), path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message;
    return result(path, undefined, [
      { pos: { line: 0, column: 0 }, path: "", reason: `Cannot read SLO spec: ${reason}` },
    ]);
  }
}

function result(file: string, spec: ServiceSpec | undefined, findings: SpecFinding[]): SpecResult {
  const problems = findings
    .map((f) => ({ file, line: f.pos.line, column: f.pos.column, path: f.path, reason: f.reason }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  return { spec: problems.length === 0 ? spec : undefined, problems };
}
