/**
 * `outpost check` on Prometheus rule files, printing what `promtool check rules` prints:
 * `Checking FILE` then `  SUCCESS: N rules found`, or `  FAILED:` and one line per problem,
 * here as `file:line:column: group "g", rule 1, "name": reason`. A file without problems is
 * linted as promtool lints it (`--lint`, by default `duplicate-rules`): rules of one name and
 * the same labels, in any groups of the file, are a lint error, printed as promtool prints it.
 */

import { countRules, readRuleFile } from "../aggregator/rules/file.ts";
import type { RuleGroup } from "../aggregator/rules/model.ts";
import { formatProblem } from "../shared/config/errors.ts";
import { compareLabels, labelsFromRecord } from "../shared/model/labels.ts";

/** The linting asked for: promtool's `--lint` (none, duplicate-rules or all). */
export type Lint = "none" | "duplicate-rules" | "all";

/** What checking a rule file found: nothing, a problem, or only lint errors. */
export type RuleFileVerdict = "ok" | "failed" | "lint";

/** Checks one rule file and prints the verdict. */
export async function checkRuleFile(
  file: string,
  lint: Lint = "duplicate-rules",
): Promise<RuleFileVerdict> {
  const result = await readRuleFile(file);
  console.log(`Checking ${file}`);
  if (result.problems.length > 0) {
    console.error(`  FAILED:\n${result.problems.map(formatProblem).join("\n")}`);
    console.log();
    return "failed";
  }
  const duplicates = lint === "none" ? [] : duplicateRules(result.groups);
  if (duplicates.length > 0) {
    console.error(`  FAILED:\n${lintMessage(duplicates)}`);
    console.log();
    return "lint";
  }
  console.log(`  SUCCESS: ${countRules(result.groups)} rules found\n`);
  return "ok";
}

/** A rule as the duplicate check compares it: its name and its labels, sorted. */
interface RuleKey {
  readonly name: string;
  readonly labels: readonly string[];
}

function compareKeys(a: RuleKey, b: RuleKey): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareLabels(a.labels, b.labels);
}

/**
 * The rules of the file that another rule repeats (the same record or alert name and the same
 * labels, in any group), each once, sorted by name then labels.
 */
export function duplicateRules(groups: readonly RuleGroup[]): RuleKey[] {
  const keys = groups
    .flatMap((g) => g.rules)
    .map((r) => ({ name: r.name, labels: labelsFromRecord(r.labels) }))
    .sort(compareKeys);
  const found: RuleKey[] = [];
  for (let i = 1; i < keys.length; i++) {
    if (compareKeys(keys[i - 1], keys[i]) !== 0) continue;
    if (found.length === 0 || compareKeys(found[found.length - 1], keys[i]) !== 0)
      found.push(keys[i]);
  }
  return found;
}

/** promtool's lint error for duplicate rules, word for word. */
function lintMessage(duplicates: readonly RuleKey[]): string {
  let text = `lint error ${duplicates.length} duplicate rule(s) found.\n`;
  for (const d of duplicates) {
    text += `Metric: ${d.name}\nLabel(s):\n`;
    for (let i = 0; i < d.labels.length; i += 2) text += `\t${d.labels[i]}: ${d.labels[i + 1]}\n`;
  }
  return `${text}Might cause inconsistency while recording expressions`;
}
