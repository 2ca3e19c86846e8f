/**
 * `outpost notify`: the notifier's tools. `test --config FILE --receiver NAME` sends a test
 * notification through each integration of a receiver. `routes --config FILE` draws the routing tree and
 * `routes test --config FILE [--tree] [--verify-receivers R1,R2] label=value…` prints the
 * receivers an alert with those labels goes to, as `amtool config routes [test]` does.
 */
import { parseArgs } from "node:util";
import { loadAlertmanagerConfig } from "../aggregator/notify/config/load.ts";
import { parseMatcher } from "../aggregator/notify/matchers.ts";
import { buildRoutes, matchRoutes } from "../aggregator/notify/route/route.ts";
import { drawMatchingRoutes, drawRoutingTree } from "../aggregator/notify/route/tree.ts";
import { ConfigError } from "../shared/config/errors.ts";
import { sendTestNotification } from "./notify_test.ts";

const USAGE =
  "usage: outpost notify routes [test] --config FILE [--tree] [--verify-receivers R1,R2] [label=value...]\n       outpost notify test --config FILE --receiver NAME";

/** `--verify.receivers=x` as `--verify-receivers=x`, `--config.file` as `--config`. */
function amtoolFlag(arg: string): string {
  return arg
    .replace(/^--verify\.receivers(?==|$)/, "--verify-receivers")
    .replace(/^--config\.file(?==|$)/, "--config");
}

/** Runs `outpost notify …`; returns the exit status. */
export async function runNotify(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    // amtool's spelling of the flags is taken too: `--verify.receivers`, `--config.file`.
    args: argv.map(amtoolFlag),
    allowPositionals: true,
    options: {
      config: { type: "string" },
      tree: { type: "boolean" },
      "verify-receivers": { type: "string" },
      receiver: { type: "string" },
    },
  });
  const [what, sub, ...labels] = positionals;
  if (what === "test" && values.config !== undefined && values.receiver !== undefined) {
    return await sendTestNotification(values.config, values.receiver);
  }
  if (what !== "routes" || values.config === undefined || (sub !== undefined && sub !== "test")) {
    console.error(USAGE);
    return 2;
  }
  let root: ReturnType<typeof buildRoutes>;
  try {
    root = buildRoutes((await loadAlertmanagerConfig(values.config)).route);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : (error as Error).message);
    return 1;
  }
  if (sub === undefined) {
    process.stdout.write(`${drawRoutingTree(root)}\n`);
    return 0;
  }
  const set: Record<string, string> = {};
  try {
    for (const text of labels) {
      const m = parseMatcher(text);
      // An alert has label values, not conditions on them: as amtool, only `name=value`.
      if (m.type !== "=") throw new Error(`labels must be specified as key=value pairs: ${text}`);
      set[m.name] = m.value;
    }
  } catch (error) {
    console.error(`Cannot parse labels: ${(error as Error).message}`);
    return 2;
  }
  const routes = matchRoutes(root, set);
  const receivers = routes.map((r) => r.opts.receiver).join(",");
  if (values.tree) process.stdout.write(`${drawMatchingRoutes(routes)}\n`);
  console.log(receivers);
  const want = values["verify-receivers"];
  if (want !== undefined && want !== receivers) {
    console.log("WARNING: Expected receivers did not match resolved receivers.");
    return 1;
  }
  return 0;
}
