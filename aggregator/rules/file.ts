/**
 * A Prometheus rule file read as Prometheus reads it: the first YAML document, decoded
 * strictly, every rule checked. Problems come back with the file, line and column, and the
 * groups that have none are kept, so one broken group does not stop the rest of the file.
 */
import { LineCounter, type Node, parseAllDocuments } from "yaml";
import { type ConfigProblem, reportedYamlErrors } from "../../shared/config/errors.ts";
import { type DraftGroup, decodeRuleFile, decodeRuleGroup, type Finding } from "./decode.ts";
import type { RuleFileOptions, RuleGroup } from "./model.ts";
import { validateGroups } from "./validate.ts";
import { eachAlias, posOf, type Tree } from "./yaml_tree.ts";

/** One rule file, loaded: the groups that passed every check and the problems of the others. */
export interface RuleFileResult {
  /** The file as it was named. */
  readonly file: string;
  /** Groups without problems, in file order. */
  readonly groups: readonly RuleGroup[];
  /** Every problem, ordered by line; empty when the file is valid. */
  readonly problems: readonly ConfigProblem[];
  /**
   * Names of the groups refused ("" for a group without a name), so a reload can keep
   * running their previous version. Every group is refused when the file as a whole is.
   */
  readonly refused: readonly string[];
}

/** Parses and checks a rule file's text; `file` names it in problems and in its groups. */
export function parseRuleFile(
  text: string,
  file: string,
  options: RuleFileOptions = {},
): RuleFileResult {
  return parseRules(text, file, options, decodeRuleFile);
}

/**
 * Parses and checks one rule group written alone (`name:`, `rules:` at the top, as Mimir's
 * ruler API takes it) with the same checks as a rule file's; `file` names it in problems.
 */
export function parseRuleGroup(
  text: string,
  file: string,
  options: RuleFileOptions = {},
): RuleFileResult {
  return parseRules(text, file, options, decodeRuleGroup);
}

type Decode = (tree: Tree, root: Node | null, out: Finding[]) => DraftGroup[];

function parseRules(
  text: string,
  file: string,
  options: RuleFileOptions,
  decode: Decode,
): RuleFileResult {
  const lines = new LineCounter();
  // Prometheus decodes the first document only; anything after a `---` is never read.
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (doc === undefined) return { file, groups: [], problems: [], refused: [] };
  const tree = { doc, lines };
  const findings = syntaxFindings(tree, text);
  if (findings.length > 0) return result(file, [], findings, []);
  const drafts = decode(tree, doc.contents as Node | null, findings);
  // As in Prometheus, a file whose shape is wrong is not checked further.
  if (findings.length > 0)
    return result(
      file,
      [],
      findings,
      drafts.map((d) => d.name?.value ?? ""),
    );
  const groups = validateGroups(drafts, file, options, findings);
  const refused = drafts
    .filter((d) => findings.some((f) => f.group === d.index))
    .map((d) => d.name?.value ?? "");
  return result(file, groups, findings, refused);
}

/** Reads and checks a rule file; an unreadable file is one problem, not an exception. */
export async function readRuleFile(
  path: string,
  options: RuleFileOptions = {},
): Promise<RuleFileResult> {
  let text: string;
  try {
    text = await Bun.file(path).text();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : (error as Error).message;
    const problem = {
      file: path,
      line: 0,
      column: 0,
      path: "",
      reason: `Cannot read rule file: ${reason}`,
    };
    return { file: path, groups: [], problems: [problem], refused: [] };
  }
  return parseRuleFile(text, path, options);
}

/** Counts the rules of loaded groups, as promtool's `SUCCESS: N rules found`. */
export function countRules(groups: readonly RuleGroup[]): number {
  return groups.reduce((n, g) => n + g.rules.length, 0);
}

function syntaxFindings(tree: Tree, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const error of reportedYamlErrors(tree.doc.errors, (at) => tree.lines.linePos(at).line)) {
    const offset = error.pos[0];
    const pos = posOf(tree, { range: [offset, offset, offset] } as Node);
    const key = /^("[^"]*"|'[^']*'|[^:\s]+)/.exec(text.slice(offset))?.[1] ?? "";
    const reason =
      error.code === "DUPLICATE_KEY"
        ? `mapping key ${JSON.stringify(key.replace(/^["']|["']$/g, ""))} already defined`
        : `Cannot parse YAML: ${error.message}`;
    findings.push({ pos, context: "", group: -1, reason });
  }
  // The YAML library leaves an alias to no anchor unresolved without an error; Go's decoder
  // refuses the file.
  eachAlias(tree.doc.contents, (node) => {
    if (node.resolve(tree.doc) !== undefined) return;
    const reason = `Cannot parse YAML: unknown anchor '${node.source}' referenced`;
    findings.push({ pos: posOf(tree, node as unknown as Node), context: "", group: -1, reason });
  });
  return findings;
}

function result(
  file: string,
  groups: RuleGroup[],
  findings: readonly Finding[],
  refused: string[],
): RuleFileResult {
  const problems = findings
    .map((f) => ({
      file,
      line: f.pos.line,
      column: f.pos.column,
      path: f.context,
      reason: f.reason,
    }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  return { file, groups, problems, refused };
}
