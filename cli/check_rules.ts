/**
 * `outpost check` on Prometheus rule files, printing what `promtool check rules` prints:
 * `Checking FILE` then `  SUCCESS: N rules found`, or `  FAILED:` and one line per problem,
 * here as `file:line:column: group "g", rule 1, "name": reason`.
 */

import { countRules, readRuleFile } from "../aggregator/rules/file.ts";
import { formatProblem } from "../shared/config/errors.ts";

/** Checks one rule file and prints the verdict; returns false when it has a problem. */
export async function checkRuleFile(file: string): Promise<boolean> {
  const result = await readRuleFile(file);
  console.log(`Checking ${file}`);
  if (result.problems.length === 0) {
    console.log(`  SUCCESS: ${countRules(result.groups)} rules found\n`);
    return true;
  }
  console.error(`  FAILED:\n${result.problems.map(formatProblem).join("\n")}\n`);
  return false;
}
