/**
 * `outpost check` on an alertmanager.yml, printing what `amtool check-config` prints:
 * `Checking 'FILE'  SUCCESS` and what was found, or `  FAILED:` and one line per problem,
 * here as `file:line:column: path: reason`.
 */
import { loadAlertmanagerConfig } from "../aggregator/notify/config/load.ts";
import { loadTemplateSet } from "../aggregator/notify/integrations/templates.ts";
import { TemplateError } from "../aggregator/template/template.ts";
import { ConfigError } from "../shared/config/errors.ts";

/** Checks one alertmanager.yml and prints the verdict; returns false when it has a problem. */
export async function checkAlertmanagerFile(file: string): Promise<boolean> {
  try {
    const config = await loadAlertmanagerConfig(file);
    console.log(`Checking '${file}'  SUCCESS`);
    console.log("Found:");
    console.log(" - global config");
    console.log(" - route");
    console.log(` - ${config.inhibitRules.length} inhibit rules`);
    console.log(` - ${config.receivers.length} receivers`);
    console.log(` - ${config.templates.length} templates`);
    // amtool reports on the templates' files when there are any.
    if (config.templates.length > 0) {
      const problem = await templatesProblem(config.templates);
      console.log(problem === null ? "  SUCCESS" : `  FAILED: ${problem}`);
      console.log("");
      return problem === null;
    }
    console.log("");
    return true;
  } catch (error) {
    const detail = error instanceof ConfigError ? error.message : (error as Error).message;
    // On stdout, as amtool check-config writes its verdict (its own error line goes to stderr).
    console.log(`Checking '${file}'  FAILED:\n${detail}\n`);
    return false;
  }
}

/** Why the template files do not parse (Go's message, as amtool prints it), or null. */
async function templatesProblem(globs: readonly string[]): Promise<string | null> {
  try {
    await loadTemplateSet(globs);
    return null;
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
}
