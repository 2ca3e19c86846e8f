/**
 * `outpost`: the command line. Each command lives in its own module and is loaded on demand,
 * so `outpost check` does not pay for starting an agent.
 */
export {};

/** `outpost agent` subcommands that manage credentials instead of running an agent. */
const CREDENTIAL_COMMANDS = new Set(["enroll", "revoke", "list"]);

/** A command: one line for the overview, its full usage for `--help` where longer, its run. */
interface Command {
  about: string;
  usage?: string;
  run: (argv: string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  agent: {
    about:
      "run the agent: outpost agent --config FILE | its NATS credentials: outpost agent enroll|revoke --tenant T --agent ID [--data-dir DIR] | list",
    run: async (argv) =>
      CREDENTIAL_COMMANDS.has(argv[0] ?? "")
        ? (await import("./agent_enroll.ts")).runAgentCredentials(argv[0] ?? "", argv.slice(1))
        : (await import("../agent/main.ts")).runAgent(argv),
  },
  aggregator: {
    about: "run an aggregator: outpost aggregator --config FILE",
    run: async (argv) => (await import("../aggregator/main.ts")).runAggregator(argv),
  },
  notifier: {
    about:
      "run the notifier alone, where Alertmanager would run (Alertmanager's API v2, no storage or queries): outpost notifier --config FILE",
    run: async (argv) => {
      const { startWith, NOTIFIER_JSC } = await import("../shared/runtime/jsc_settings.ts");
      startWith(NOTIFIER_JSC);
      return (await import("../aggregator/notifier_main.ts")).runNotifier(argv);
    },
  },
  import: {
    about: "backfill an OpenMetrics file: outpost import (--config FILE | --data-dir DIR) data.om",
    usage:
      "outpost import (--config FILE | --data-dir DIR) [--tenant T] [--level 1-22] [--chunk-rows N] data.om",
    run: async (argv) => (await import("./import.ts")).runImport(argv),
  },
  check: {
    about: "validate config, rule and SLO files: outpost check [--rules] FILE",
    run: async (argv) => (await import("./check.ts")).runCheck(argv),
  },
  rules: {
    about: "run rule unit tests in promtool's format: outpost rules test FILE...",
    run: async (argv) => (await import("./rules.ts")).runRules(argv),
  },
  notify: {
    about:
      "the notifier's routing tree: outpost notify routes [test] --config alertmanager.yml [--tree] [label=value...]",
    usage:
      "outpost notify routes [test] --config alertmanager.yml [--tree] [--verify-receivers R1,R2] [label=value...]\n       outpost notify test --config FILE --receiver NAME",
    run: async (argv) => (await import("./notify.ts")).runNotify(argv),
  },
  slo: {
    about: "print the rules of a Sloth SLO spec: outpost slo generate [--period 30d|28d] FILE",
    usage: "outpost slo generate [--period 30d|28d] [--extra-labels k=v,...] FILE",
    run: async (argv) => (await import("./slo.ts")).runSlo(argv),
  },
  query: {
    about:
      "evaluate PromQL on an aggregator: outpost query [--server URL] EXPR [--time T | --start T --end T --step D] [--json]",
    usage:
      "outpost query [--server URL] [--token T] EXPR [--time T | --start T --end T --step D] [--json]\n  (--token defaults to $OUTPOST_TOKEN)",
    run: async (argv) => (await import("./query.ts")).runQuery(argv),
  },
  logs: {
    about:
      "query or follow logs on an aggregator: outpost logs [--server URL] [--since 1h] [--limit N] [--follow] [--output default|raw|jsonl] QUERY",
    usage:
      "outpost logs [--server URL] [--token T] [--since 1h] [--limit 100] [--follow] [--output default|raw|jsonl] [--timezone Local|UTC] QUERY\n  (--token defaults to $OUTPOST_TOKEN)",
    run: async (argv) => (await import("./logs.ts")).runLogs(argv),
  },
  token: {
    about:
      "API tokens: outpost token create --name NAME [--role ROLE] [--ttl D] | list | revoke ID",
    usage:
      "outpost token create --name NAME [--owner USER] [--role viewer|editor|admin] [--ttl 90d] [--tenant a,b] | list | revoke ID  [--config FILE]\n  (--config defaults to .data/aggregator.yaml, the one outpost up writes)",
    run: async (argv) => (await import("./auth.ts")).runToken(argv),
  },
  user: {
    about: "users: outpost user add NAME [--role ROLE] | list | passwd NAME | remove NAME",
    usage:
      "outpost user add NAME [--role viewer|editor|admin] [--tenant a,b|*] [--password-stdin] | list | tenants NAME --tenant a,b | passwd NAME [--password-stdin] | remove NAME  [--config FILE]\n  (--config defaults to .data/aggregator.yaml, the one outpost up writes)",
    run: async (argv) => (await import("./auth.ts")).runUser(argv),
  },
  integrations: {
    about:
      "services the local agent detected or collects, how, and their state: outpost integrations [--agent URL] [--json]",
    run: async (argv) => (await import("./integrations.ts")).runIntegrations(argv),
  },
  up: {
    about:
      "start everything on this machine: outpost up [--data-dir DIR] [--nats-port N] [--http-port N] [--rules GLOB]... [--no-default-rules] [--alertmanager-config FILE] [--config.file prometheus.yml] [--auth]",
    usage:
      "outpost up [--data-dir .data] [--http-port 9090] [--nats-port 4222] [--agent-port 9909] [--rules GLOB]... [--no-default-rules] [--alertmanager-config FILE] [--config.file prometheus.yml] [--auth]",
    run: async (argv) => (await import("./up.ts")).runUp(argv),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(11)} ${c.about}`);
  return `usage: outpost <command> [flags]\n\ncommands:\n${lines.join("\n")}`;
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === "help" || name === "--help" || name === "-h") {
  // Asked for, it is the answer (stdout); without a command, a usage mistake (stderr).
  if (name) console.log(usage());
  else console.error(usage());
  process.exit(name ? 0 : 2);
}
const command = commands[name];
if (!command) {
  console.error(`Cannot run "${name}": unknown command\n\n${usage()}`);
  process.exit(2);
}
if (rest.includes("--help") || rest.includes("-h")) {
  console.log(`outpost ${name}: ${command.about}`);
  if (command.usage) console.log(`\nusage: ${command.usage}`);
  process.exit(0);
}
try {
  process.exit(await command.run(rest));
} catch (error) {
  // A flag the command does not know: say so in one line, not with a stack trace.
  if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(
      `Cannot run "${name}": ${(error as Error).message}\nusage: ${command.usage ?? `outpost ${name}: ${command.about}`}`,
    );
    process.exit(2);
  }
  throw error;
}
