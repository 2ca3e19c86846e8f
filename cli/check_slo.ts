/**
 * `outpost check` on a Sloth `prometheus/v1` spec (a file with a top-level
 * `version: prometheus/v1` line, as Sloth tells them apart): `Checking FILE` then
 * `  SUCCESS: N SLOs, M rules generated`, or `  FAILED:` and one line per problem.
 */
import { countRules } from "../aggregator/rules/file.ts";
import { generateGroups } from "../aggregator/slo/generate.ts";
import { typedGroups } from "../aggregator/slo/render.ts";
import { readSloSpec } from "../aggregator/slo/spec.ts";
import { formatProblem } from "../shared/config/errors.ts";

/** Checks one spec and prints the verdict; returns false when it has a problem. */
export async function checkSloSpec(file: string): Promise<boolean> {
  const parsed = await readSloSpec(file);
  console.log(`Checking ${file}`);
  if (parsed.spec === undefined) {
    console.error(`  FAILED:\n${parsed.problems.map(formatProblem).join("\n")}\n`);
    return false;
  }
  // Generating and typing the rules runs every generated expression through the rule checks.
  const rules = countRules(typedGroups(generateGroups(parsed.spec), file));
  console.log(`  SUCCESS: ${parsed.spec.slos.length} SLOs, ${rules} rules generated\n`);
  return true;
}
