/**
 * `outpost rules test FILE…`: Prometheus's rule unit tests (the `promtool test rules` file
 * format), printed as promtool prints them; exits 1 when any file fails.
 */
import { renderVerdict, testRuleFile } from "../aggregator/rules/unittest/run.ts";

const USAGE = "usage: outpost rules test FILE...";

/** Runs the `rules` subcommand; returns the exit status. */
export async function runRules(argv: string[]): Promise<number> {
  const [sub, ...files] = argv;
  if (sub !== "test" || files.length === 0 || files.some((f) => f.startsWith("-"))) {
    console.error(USAGE);
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const verdict = await testRuleFile(file);
    for (const { to, text } of renderVerdict(verdict))
      (to === "stdout" ? process.stdout : process.stderr).write(text);
    if (verdict.failures.length > 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}
