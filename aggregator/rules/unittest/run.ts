/**
 * `promtool test rules` on one test file: the file decoded, its rule files loaded (globs
 * relative to the test file), the groups put in `group_eval_order`, every test group run.
 * The verdict carries the lines promtool prints, so the CLI only writes them out.
 */
import { dirname, isAbsolute, relative } from "node:path";
import { formatProblem } from "../../../shared/config/errors.ts";
import { ConfigError, loadYamlConfig } from "../../../shared/config/load.ts";
import { Engine } from "../../promql/engine/engine.ts";
import { expandRuleGlobs, loadRuleFiles } from "../load.ts";
import type { RuleGroup } from "../model.ts";
import { readAsPromtool, testFileSchema } from "./schema.ts";
import { runTestGroup } from "./test_group.ts";

/** What testing one file found. */
export interface FileVerdict {
  readonly file: string;
  /** Notes printed before the verdict (`  WARNING: no file match pattern x`). */
  readonly warnings: readonly string[];
  /** Every failure, each one or more lines; empty when the file passed. */
  readonly failures: readonly string[];
}

/** Runs every test of a rule test file; never throws for a bad file (it is a failure). */
export async function testRuleFile(file: string): Promise<FileVerdict> {
  let spec: Awaited<ReturnType<typeof loadYamlConfig<typeof testFileSchema>>>;
  try {
    spec = await loadYamlConfig(file, testFileSchema, { prepare: readAsPromtool });
  } catch (error) {
    if (error instanceof ConfigError) return { file, warnings: [], failures: [error.message] };
    throw error;
  }
  const base = dirname(file);
  const warnings: string[] = [];
  for (const glob of spec.rule_files)
    if ((await expandRuleGlobs([glob], base)).length === 0)
      warnings.push(`  WARNING: no file match pattern ${glob}`);
  const loaded = await loadRuleFiles(spec.rule_files, base);
  if (loaded.problems.length > 0)
    return {
      file,
      warnings,
      failures: loaded.problems.map((p) => formatProblem({ ...p, file: shown(p.file) })),
    };
  const settings = {
    groups: orderGroups(loaded.groups, spec.group_eval_order),
    evaluationInterval: spec.evaluation_interval,
    fuzzyCompare: spec.fuzzy_compare,
    engine: new Engine(),
  };
  const failures: string[] = [];
  for (const test of spec.tests) failures.push(...(await runTestGroup(test, settings)));
  return { file, warnings, failures };
}

/** A rule file's path as the user would write it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * The groups in evaluation order: those `order` names first, in its order, then the rest in
 * file order. A name that matches no group is ignored, as promtool ignores it.
 */
export function orderGroups(groups: readonly RuleGroup[], order: readonly string[]): RuleGroup[] {
  const rank = new Map(order.map((name, i) => [name, i]));
  const listed = groups.filter((g) => rank.has(g.name));
  listed.sort((a, b) => rank.get(a.name)! - rank.get(b.name)!);
  return [...listed, ...groups.filter((g) => !rank.has(g.name))];
}

/** One piece of output and where it goes. */
export interface Output {
  readonly to: "stdout" | "stderr";
  readonly text: string;
}

/**
 * The verdict as promtool writes it, in its order: the header and verdict on stdout, each
 * failure on stderr followed by an empty line on stdout, and an empty line to end the file.
 */
export function renderVerdict(v: FileVerdict): Output[] {
  const out: Output[] = [{ to: "stdout", text: `Unit Testing:  ${v.file}\n` }];
  for (const w of v.warnings) out.push({ to: "stdout", text: `${w}\n` });
  if (v.failures.length === 0) out.push({ to: "stdout", text: "  SUCCESS\n" });
  else out.push({ to: "stderr", text: "  FAILED:\n" });
  for (const f of v.failures) {
    out.push({ to: "stderr", text: `${f}\n` });
    out.push({ to: "stdout", text: "\n" });
  }
  out.push({ to: "stdout", text: "\n" });
  return out;
}
