import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { Agent } from "../agent/agent.ts";
import { agentIdFromHost, loadAgentConfig } from "../agent/config/load.ts";
import type { AgentConfig } from "../agent/config/schema.ts";
import { NATS_LOG_STAGES } from "../agent/sources/integrations/nats/logs.ts";
import { Aggregator } from "../aggregator/aggregator.ts";
import { listingChanges } from "../aggregator/audit/auth_changes.ts";
import type { Audit } from "../aggregator/audit/record.ts";
import { bootstrapAdmin, type FirstAdmin } from "../aggregator/auth/bootstrap.ts";
import { authRequired } from "../aggregator/auth/config.ts";
import type { AuthStore } from "../aggregator/auth/store.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import type { AggregatorConfig } from "../aggregator/config/schema.ts";
import { type LoadedRules, loadRuleFiles, missingRuleFiles } from "../aggregator/rules/load.ts";
import { ConfigError } from "../shared/config/errors.ts";
import { logger } from "../shared/log/log.ts";
import { untilStopped } from "../shared/runtime/daemon.ts";
import { trapStopSignals } from "../shared/runtime/signal.ts";
import type { StopStack } from "../shared/runtime/stop_stack.ts";
import { ensureAgentEnrolled, natsAuthFiles, writeAuth, writeServerConf } from "./nats_auth.ts";
import {
  freePort,
  type NatsChild,
  natsPortFile,
  portInUse,
  readNatsPort,
  spawnNatsServer,
} from "./natsd.ts";
import { runningUp, stopStaleNatsServer, UpRunningError } from "./natsd_stale.ts";
import { systemLogSections } from "./system_logs.ts";
import { prepareAlertmanagerFile, upAlertmanagerFile } from "./up_alertmanager.ts";
import { upAggregatorYaml, upRuleFiles } from "./up_config.ts";
import { readUpPrometheusFile, type UpPrometheusFile } from "./up_prometheus.ts";
import { UpPrometheusReloads } from "./up_reload.ts";

const log = logger("up");

/**
 * `outpost up`: everything on one machine. Starts a nats-server child (store under the data
 * dir), an aggregator storing Parquet under DATA_DIR/bucket, and a local agent that collects
 * host metrics (node_exporter's names), scrapes itself and the aggregator, and probes the
 * aggregator's readiness endpoint. The aggregator's notifier routes alerts with
 * `--alertmanager-config FILE`, else with DATA_DIR/alertmanager.yml (written once, delivering
 * to nobody). `--config.file prometheus.yml` adds a Prometheus server's jobs, rule files and
 * global settings (cli/up_prometheus.ts). Prints where everything listens; Ctrl-C stops it all, at
 * any moment: during start it stops what has started so far, nats-server included.
 */
export async function runUp(argv: string[]): Promise<number> {
  // First: from here on a signal stops what has started instead of ending the process.
  const stopping = trapStopSignals((sig) => console.log(`\n${sig} received: stopping Outpost`));
  const { values } = parseArgs({
    args: argv,
    options: {
      "data-dir": { type: "string", default: ".data" },
      "nats-port": { type: "string", default: "4222" },
      "agent-port": { type: "string", default: "9909" },
      "http-port": { type: "string", default: "9090" },
      rules: { type: "string", multiple: true, default: [] },
      "no-default-rules": { type: "boolean", default: false },
      "alertmanager-config": { type: "string" },
      "config.file": { type: "string" },
      auth: { type: "boolean", default: false },
    },
  });
  return untilStopped(
    stopping,
    log,
    (signal, started) =>
      startAll({ ...values, natsPortGiven: given(argv, "nats-port") }, signal, started),
    (err) => {
      console.error((err as Error).message);
      return err instanceof ConfigError ? 2 : 1;
    },
  );
}

/**
 * The aggregator's rule files (`ruleFiles`: the default pack, `--rules`, the file's
 * rule_files), loaded before anything starts and checked as `--alertmanager-config` is: a file
 * `--rules` names that does not exist, or a problem in any file, is refused (exit 2). A running
 * aggregator keeps its other groups when one file goes bad; a start asked for these files. The
 * aggregator runs what was loaded here, without reading the files again.
 */
async function loadUpRules(
  ruleFiles: readonly string[],
  rulesFlags: readonly string[],
): Promise<LoadedRules> {
  const cwd = process.cwd();
  // Only `--rules` is refused a missing file: a glob of the file's rule_files matching nothing
  // loads nothing, as in Prometheus.
  const missing = (await missingRuleFiles(rulesFlags, cwd)).map((glob) => ({
    file: glob,
    line: 0,
    column: 0,
    path: "",
    reason: "--rules: no such file",
  }));
  const loaded = await loadRuleFiles(ruleFiles, cwd);
  const problems = [...missing, ...loaded.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  return loaded;
}

/** A port flag's value, checked before anything starts (a usage mistake: exit 2). */
function portFlag(values: UpFlags, name: "http-port" | "nats-port" | "agent-port"): number {
  const text = values[name];
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new ConfigError([
      {
        file: `--${name}`,
        line: 0,
        column: 0,
        path: "",
        reason: `expected a port 1-65535, got "${text}"`,
      },
    ]);
  return port;
}

/** The flags of `outpost up`. */
interface UpFlags extends Record<"data-dir" | "nats-port" | "agent-port" | "http-port", string> {
  rules: string[];
  "no-default-rules": boolean;
  "alertmanager-config"?: string;
  "config.file"?: string;
  auth: boolean;
  /** Whether --nats-port was on the command line (else 4222, or the port kept from before). */
  natsPortGiven?: boolean;
}

/** Whether `--name` is among the arguments, alone or as `--name=value`. */
function given(argv: readonly string[], name: string): boolean {
  return argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
}

/** Starts nats-server, the aggregator and the agent, pushing each onto `started` as it starts. */
async function startAll(values: UpFlags, signal: AbortSignal, started: StopStack): Promise<void> {
  const dataDir = resolve(values["data-dir"]);
  const httpPort = portFlag(values, "http-port");
  const natsPort = portFlag(values, "nats-port");
  const agentPort = portFlag(values, "agent-port");
  // Before anything is written: a second up would take the running one's nats-server away.
  const running = runningUp(join(dataDir, "nats-server.pid"), join(dataDir, "nats"));
  if (running !== null) throw new UpRunningError(running, dataDir);
  const configFile = values["config.file"];
  const prometheus = configFile ? await readUpPrometheusFile(configFile, process.cwd()) : null;
  const ruleFiles = [
    ...upRuleFiles(values.rules, !values["no-default-rules"], process.cwd()),
    ...(prometheus?.ruleFiles ?? []),
  ];
  const rules = await loadUpRules(ruleFiles, values.rules);
  // Checked first: a bad alertmanager.yml is refused (exit 2) before anything starts.
  const alertmanager = upAlertmanagerFile(values["alertmanager-config"], dataDir, process.cwd());
  await prepareAlertmanagerFile(alertmanager, httpPort);
  mkdirSync(dataDir, { recursive: true });
  const creds = upCredentials(dataDir);
  const nats = await startNats(dataDir, natsPort, values.natsPortGiven === true, signal, started);
  const aggregatorConfig = join(dataDir, "aggregator.yaml");
  const alertmanagerConfig = alertmanager.path;
  writeFileSync(
    aggregatorConfig,
    upAggregatorYaml(dataDir, {
      natsUrl: nats.url,
      natsKeyFile: creds.aggregator,
      httpPort,
      ruleFiles,
      alertmanagerConfig,
      global: prometheus?.global,
      auth: values.auth,
    }),
  );
  const loaded = await loadAggregatorConfig(aggregatorConfig);
  // In memory: the file's Alertmanagers, their files already absolute (cli/up_prometheus.ts),
  // and its alert relabeling.
  const alerting = {
    ...loaded.alerting,
    alertmanagers: prometheus?.alertmanagers ?? [],
    alert_relabel_configs: prometheus?.alertRelabelConfigs ?? [],
  };
  // A reload reads the file's alerting section again, as Prometheus's reload does: a SIGHUP
  // reads it once for the aggregator and the agent (cli/up_reload.ts).
  const reloads = prometheus && new UpPrometheusReloads(prometheus.path, process.cwd());
  const outbound = reloads ? (source: string) => reloads.alerting(source) : undefined;
  if (reloads) {
    // Before the aggregator's and the agent's SIGHUP listeners, which take the read it starts.
    process.on("SIGHUP", reloads.onHangup);
    started.push("the SIGHUP reads of prometheus.yml", () =>
      process.off("SIGHUP", reloads.onHangup),
    );
  }
  const aggregator = new Aggregator({ ...loaded, alerting }, { outbound, rules });
  started.push("the aggregator", () => aggregator.stop());
  await aggregator.start(signal);
  signal.throwIfAborted();
  const admin = aggregator.auth ? await bootstrapAdmin(aggregator.auth, dataDir) : null;
  if (admin && aggregator.auth) auditFirstAdmin(aggregator.audit, aggregator.auth);
  const configPath = join(dataDir, "agent.yaml");
  const natsLog = join(dataDir, "nats-server.log");
  writeFileSync(
    configPath,
    agentConfigYaml({
      natsUrl: nats.url,
      key: creds.agent,
      agentPort,
      aggregatorPort: httpPort,
      natsLog,
      prometheusFile: prometheus?.path,
      aggregatorToken: scrapeToken(aggregator.config, dataDir),
    }),
  );
  const loadAgent = upAgentLoader(configPath, prometheus, reloads);
  const agent = new Agent(await loadAgent("start"), configPath, loadAgent);
  started.push("the agent", () => agent.stop());
  // Not given the signal: the agent's start waits on nothing remote and takes milliseconds.
  await agent.start();
  signal.throwIfAborted();
  console.log(
    [
      "",
      "Outpost is up:",
      `  nats-server    ${nats.url} (JetStream store ${join(dataDir, "nats")})`,
      `  nats users     ${natsAuthFiles(dataDir).conf} (nkeys; add agents with \`outpost agent enroll --data-dir ${dataDir} --tenant T --agent ID\`)`,
      `  aggregator     ${aggregator.url} (config ${aggregatorConfig}, Parquet under ${join(dataDir, "bucket")})`,
      ...prometheusLines(prometheus),
      `  rules          ${ruleFiles.length === 0 ? "none" : ruleFiles.join(", ")}`,
      `  alertmanager   ${alertmanagerConfig}${alertmanager.isDefault ? " (the default: delivers to nobody until you add a receiver)" : ""}`,
      `  agent          ${agent.httpUrl}/metrics (config ${configPath}; host metrics as job="node", nats-server's log as job="nats-server"; services it found: \`outpost integrations\`)`,
      ...loginLines(aggregator.config),
      ...firstAdminLines(admin),
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
}

/** The token file up's agent scrapes the aggregator with, when the aggregator asks for one. */
function scrapeToken(config: AggregatorConfig, dataDir: string): string | undefined {
  if (!authRequired(config.auth.enabled, config.aggregator.http_listen)) return undefined;
  const file = join(dataDir, "admin.token");
  return existsSync(file) ? file : undefined;
}

/** What `up` took from `--config.file`, and the sections it holds that `up` leaves unused. */
function prometheusLines(file: UpPrometheusFile | null): string[] {
  if (file === null) return [];
  const jobs = file.scrapeConfigs.map((job) => job.job_name);
  const targets = file.alertmanagers.flatMap((set) => [
    ...set.static_configs.flatMap((g) => g.targets),
    ...set.file_sd_configs.flatMap((sd) => sd.files.map((f) => `those in ${f}`)),
    ...set.dns_sd_configs.flatMap((sd) => sd.names.map((n) => `those ${n} names in DNS`)),
  ]);
  const sent = targets.length === 0 ? "" : `; alerts also sent to ${targets.join(", ")}`;
  const unused = file.unused.length === 0 ? "" : `; not used: ${file.unused.join(", ")}`;
  return [
    `  config.file    ${file.path} (jobs ${jobs.length === 0 ? "none" : jobs.join(", ")} on the agent; rule_files and global on the aggregator${sent}${unused})`,
  ];
}

/**
 * Whether the UI and APIs ask for credentials: with `auth.enabled: auto` (the default) they do
 * only beyond loopback, so after a plain `up` the browser opens without a login page and the
 * admin printed below is for when it is exposed.
 */
function loginLines(config: AggregatorConfig): string[] {
  if (authRequired(config.auth.enabled, config.aggregator.http_listen)) {
    return ["  login          required (log in as the admin below, or with its API token)"];
  }
  return [
    `  login          off: the aggregator listens on loopback only (auth.enabled: auto); start up with --auth to require it`,
  ];
}

/** The first admin's credentials, printed once (docs/auth.md). */
function firstAdminLines(admin: FirstAdmin | null): string[] {
  if (admin === null) return [];
  return [
    "",
    "First start: created an admin (shown only now; `outpost user passwd admin` sets a new password):",
    `  user           ${admin.user}`,
    `  password       ${admin.password}`,
    `  API token      ${admin.token} (also in ${admin.tokenFile}, mode 0600)`,
    "",
  ];
}

/**
 * Starts the nats-server child, after stopping one an earlier `up` on this data dir left
 * behind. Its stop is pushed before it is ready, so no path out of `up` leaves it running.
 */
async function startNats(
  dataDir: string,
  port: number,
  portGiven: boolean,
  signal: AbortSignal,
  started: StopStack,
): Promise<NatsChild> {
  const storeDir = join(dataDir, "nats");
  const pidFile = join(dataDir, "nats-server.pid");
  const stale = await stopStaleNatsServer(pidFile, storeDir);
  if (stale !== null) console.log(`stopped nats-server ${stale}, left running by an earlier up`);
  signal.throwIfAborted();
  // The port of the last start, while it is free (4222 was taken then and may be free now;
  // agents enrolled against it keep working), unless --nats-port asks for another.
  const kept = readNatsPort(dataDir);
  const keptFree = kept !== null && !(await portInUse(kept));
  if (!portGiven && keptFree) port = kept;
  else if (await portInUse(port)) {
    const taken = port;
    port = keptFree && kept !== taken ? kept : await freePort();
    console.log(`port ${taken} is taken (another NATS?); the embedded nats-server uses ${port}`);
  }
  writeFileSync(natsPortFile(dataDir), `${port}\n`);
  const logFile = join(dataDir, "nats-server.log");
  const configFile = natsAuthFiles(dataDir).server;
  writeServerConf(natsAuthFiles(dataDir), storeDir);
  // A monitoring port, so the local agent's NATS integration collects Outpost's own bus.
  const monitorPort = await freePort();
  const nats = spawnNatsServer({ port, storeDir, logFile, pidFile, configFile, monitorPort });
  started.push("nats-server", () => nats.stop());
  await nats.ready(signal);
  return nats;
}

/**
 * nats-server's authorization for `up` (cli/nats_auth.ts): the aggregator's key and the
 * local agent, enrolled for tenant "default" under its host-derived id, kept across restarts.
 */
function upCredentials(dataDir: string): { aggregator: string; agent: UpAgentKey } {
  const files = natsAuthFiles(dataDir);
  writeAuth(files);
  const id = agentIdFromHost(hostname());
  const agent = { id, keyFile: ensureAgentEnrolled(files, "default", id) };
  return { aggregator: files.aggregatorKey, agent };
}

/** The id and nkey seed file of up's own agent. */
interface UpAgentKey {
  id: string;
  keyFile: string;
}

/** What up's own agent is configured from. */
interface UpAgentSettings {
  natsUrl: string;
  key: UpAgentKey;
  agentPort: number;
  aggregatorPort: number;
  /** nats-server's log file, which the agent tails. */
  natsLog: string;
  /** The prometheus.yml of `--config.file`, named in the file's header. */
  prometheusFile?: string;
  /** The admin's token file, for the aggregator's `/metrics` when login is required. */
  aggregatorToken?: string;
}

function agentConfigYaml(settings: UpAgentSettings): string {
  const { natsUrl, key, agentPort, aggregatorPort, natsLog, prometheusFile, aggregatorToken } =
    settings;
  // With login required, the aggregator's /metrics takes the admin's token (a file up wrote).
  const credentials = aggregatorToken
    ? { authorization: { credentials_file: aggregatorToken } }
    : {};
  const scrape = [
    {
      job_name: "outpost-agent",
      scrape_interval: "15s",
      static_configs: [{ targets: [`127.0.0.1:${agentPort}`] }],
    },
    {
      job_name: "outpost-aggregator",
      scrape_interval: "15s",
      static_configs: [{ targets: [`127.0.0.1:${aggregatorPort}`] }],
      ...credentials,
    },
  ];
  const config = {
    agent: { id: key.id, http_listen: `127.0.0.1:${agentPort}` },
    nats: { url: natsUrl, nkey_file: key.keyFile },
    // Batches every second: a sample is queryable about a second after its scrape
    // (bench/freshness.ts). The agent default (10 s) favours fewer, larger batches.
    batch: { max_wait: "1s" },
    spool: { dir: "agent-spool" },
    scrape_configs: scrape,
    host: { enabled: true },
    // PostgreSQL and Redis found on this host are collected under their exporters' names.
    integrations: { autodetect: true },
    // The host's own logs: the journal where journald runs, else /var/log/syslog (not both).
    ...systemLogSections(),
    // A log to search from the first minute: `outpost logs '{job="nats-server"}'`, read as the
    // NATS integration reads one (its time, a level from `[INF]`/`[ERR]`, the client's address).
    logs: [
      { name: "nats-server", include: [natsLog], start_at: "beginning", stages: NATS_LOG_STAGES },
    ],
    probes: {
      modules: { http_2xx: { prober: "http", timeout: "5s" } },
      jobs: [
        {
          job_name: "blackbox",
          module: "http_2xx",
          targets: [`http://127.0.0.1:${aggregatorPort}/-/ready`],
        },
      ],
    },
  };
  const plus = prometheusFile
    ? `# up's agent also scrapes the scrape_configs of ${prometheusFile} (--config.file).\n`
    : "";
  return `# Written by \`outpost up\`; edit a copy and run it with \`outpost agent --config FILE\`.\n${plus}${stringify(config)}`;
}

/**
 * Reads up's agent config: its own file, plus the jobs of the prometheus.yml of
 * `--config.file`, read again at each reload as Prometheus reads its file (`reloads`: a
 * SIGHUP's read is the aggregator's too, which takes its `alerting` section). Its `rule_files`
 * list and `global` were handed to the aggregator at start: a change to them is said, not applied.
 */
function upAgentLoader(
  configPath: string,
  prometheus: UpPrometheusFile | null,
  reloads: UpPrometheusReloads | null,
): (source: string) => Promise<AgentConfig> {
  const atStart = prometheus && startOnlyParts(prometheus);
  return async (source) => {
    const own = await loadAgentConfig(configPath);
    if (!reloads) return own;
    const file = await reloads.file(source);
    if (startOnlyParts(file) !== atStart)
      // `alerting` is not among them: the aggregator reloads it (aggregator/alertmanagers/).
      log.warn(
        "prometheus.yml's rule_files and global (evaluation_interval, rule_query_offset, external_labels) apply only after a restart of up",
        { file: file.path },
      );
    return { ...own, scrape_configs: [...own.scrape_configs, ...file.scrapeConfigs] };
  };
}

/** What up reads from a prometheus.yml at start only, as comparable text. */
function startOnlyParts(file: UpPrometheusFile): string {
  return JSON.stringify({ ruleFiles: file.ruleFiles, global: file.global });
}

/** Records the first admin and its token in the audit log, made by `outpost up` itself. */
function auditFirstAdmin(audit: Audit, store: AuthStore): void {
  const made = { users: store.listUsers(), tokens: store.listTokens() };
  const who = { actor: { kind: "system" as const, name: "outpost up" }, source: "outpost up" };
  for (const c of listingChanges({ users: [], tokens: [] }, made))
    audit({ ...who, ...c, outcome: "ok" });
}
