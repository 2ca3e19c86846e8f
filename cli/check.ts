import { loadAgentConfig } from "../agent/config/load.ts";
import { ConfigError } from "../shared/config/load.ts";

/**
 * `outpost check FILE…`: validates agent config files. Prints `FILE: ok` per valid file and
 * every problem as `file:line:column: path: reason`; exits 1 if any file is invalid.
 */
export async function runCheck(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    console.error("usage: outpost check FILE...");
    return 2;
  }
  let failed = 0;
  for (const file of argv) {
    try {
      const config = await loadAgentConfig(file);
      console.log(`${file}: ok (${config.scrape_configs.length} scrape jobs)`);
    } catch (err) {
      failed++;
      console.error(
        err instanceof ConfigError ? err.message : `${file}: ${(err as Error).message}`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}
