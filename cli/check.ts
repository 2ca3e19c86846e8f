import { isMap, isScalar, parseAllDocuments } from "yaml";
import { loadAgentConfig } from "../agent/config/load.ts";
import { agentConfigSchema, PROMETHEUS_ONLY_SECTIONS } from "../agent/config/schema.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { aggregatorConfigSchema } from "../aggregator/config/schema.ts";
import { isAlertmanagerDocument } from "../aggregator/notify/config/load.ts";
import { expandRuleGlobs, missingRuleFiles } from "../aggregator/rules/load.ts";
import { configProbeSloProblems } from "../aggregator/slo/load.ts";
import { isSlothSpec } from "../aggregator/slo/spec.ts";
import { formatProblem } from "../shared/config/errors.ts";
import { ConfigError, readConfigFile } from "../shared/config/load.ts";
import { checkAlertmanagerFile } from "./check_alertmanager.ts";
import { checkRuleFile, type Lint } from "./check_rules.ts";
import { checkSloSpec } from "./check_slo.ts";

/**
 * Top-level sections that make a file without `scrape_configs` an aggregator config: those
 * only it has (`notifier` and `alerting` too, so that a file written for `outpost notifier`
 * alone is checked as what it is), and the prometheus.yml ones the agent accepts unused
 * (`rule_files`, `alerting`), which only an aggregator acts on.
 */
const AGGREGATOR_SECTIONS = Object.keys(aggregatorConfigSchema.shape).filter(
  (k) => !(k in agentConfigSchema.shape) || k in PROMETHEUS_ONLY_SECTIONS,
);

const USAGE =
  "usage: outpost check [--rules] [--lint=duplicate-rules|all|none] [--lint-fatal] FILE...";

/** promtool's exit code for lint errors under `--lint-fatal`. */
const LINT_FATAL_EXIT = 3;

/**
 * `outpost check [--rules] FILE…`: validates agent and aggregator config files (told apart by
 * their sections) and Prometheus rule files (a top-level `groups`, or every file after
 * `--rules`), alertmanager.yml files (a top-level `route` or `receivers`) and Sloth
 * `prometheus/v1` SLO specs (a top-level `version: prometheus/v1`). Prints `FILE: ok` per valid
 * config and every problem as `file:line:column: path: reason`, rule files as `promtool check
 * rules` does and alertmanager.yml as `amtool check-config` does; exits 1 if any file is
 * invalid.
 */
export async function runCheck(argv: string[]): Promise<number> {
  const options = readOptions(argv);
  if (options === null) {
    console.error(USAGE);
    return 2;
  }
  const { rulesOnly, files, lint } = options;
  let failed = 0;
  let linted = 0;
  const checkRules = async (file: string) => {
    const verdict = await checkRuleFile(file, lint);
    if (verdict === "failed") failed++;
    if (verdict === "lint") linted++;
  };
  for (const file of files) {
    const kind = rulesOnly ? "rules" : fileKind(await readOrNothing(file));
    if (kind === "slo") {
      if (!(await checkSloSpec(file))) failed++;
    } else if (kind === "rules") {
      await checkRules(file);
    } else if (kind === "alertmanager") {
      if (!(await checkAlertmanagerFile(file))) failed++;
    } else {
      let checked: CheckedConfig;
      try {
        checked = await checkConfig(file, kind);
      } catch (err) {
        failed++;
        console.error(
          err instanceof ConfigError ? err.message : `${file}: ${(err as Error).message}`,
        );
        continue;
      }
      console.log(`${file}: ok (${checked.summary})\n`);
      // As promtool check config goes on to the rule files the config names.
      for (const rules of checked.ruleFiles) await checkRules(rules);
      for (const spec of checked.sloFiles) if (!(await checkSloSpec(spec))) failed++;
      for (const am of checked.alertmanagerFiles) if (!(await checkAlertmanagerFile(am))) failed++;
    }
  }
  if (failed > 0) return 1;
  return linted > 0 && options.lintFatal ? LINT_FATAL_EXIT : 0;
}

/** What `outpost check` was asked: promtool's flags, in any order before and among the files. */
interface CheckOptions {
  readonly rulesOnly: boolean;
  readonly lint: Lint;
  readonly lintFatal: boolean;
  readonly files: readonly string[];
}

/** The options of `argv`; null for an unknown flag, a bad `--lint` or no file. */
function readOptions(argv: readonly string[]): CheckOptions | null {
  let rulesOnly = false;
  let lint: Lint = "duplicate-rules";
  let lintFatal = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--rules") rulesOnly = true;
    else if (arg === "--lint-fatal") lintFatal = true;
    else if (arg === "--lint" || arg.startsWith("--lint=")) {
      const value = arg === "--lint" ? argv[++i] : arg.slice("--lint=".length);
      if (value !== "none" && value !== "duplicate-rules" && value !== "all") return null;
      lint = value;
    } else if (arg.startsWith("--")) return null;
    else files.push(arg);
  }
  return files.length === 0 ? null : { rulesOnly, lint, lintFatal, files };
}

/**
 * A valid config: what to say of it, and the rule files, SLO specs and alertmanager.yml files
 * it names (every tenant's).
 */
interface CheckedConfig {
  readonly summary: string;
  readonly ruleFiles: readonly string[];
  readonly sloFiles: readonly string[];
  readonly alertmanagerFiles: readonly string[];
}

/** What a file is, told apart by its text as `outpost check` does. */
export type FileKind = "slo" | "rules" | "alertmanager" | "aggregator" | "agent";

/**
 * A Sloth spec by its `version: prometheus/v1` line (as Sloth tells them apart), a rule file by
 * a top-level `groups`, an alertmanager.yml by `route` or `receivers`, an agent config (or a
 * prometheus.yml) by `scrape_configs`, an aggregator config by a section only it has; anything
 * else is an agent config (whose loader reports what is wrong).
 */
export function fileKind(text: string): FileKind {
  if (isSlothSpec(text)) return "slo";
  // Most rule files open with `groups:`: told without parsing a file that may be megabytes.
  if (firstKey(text) === "groups") return "rules";
  const keys = topLevelKeys(text);
  if (keys.includes("groups")) return "rules";
  if (isAlertmanagerDocument(keys)) return "alertmanager";
  // A prometheus.yml: its rule_files and alerting are accepted by the agent and not used.
  if (keys.includes("scrape_configs")) return "agent";
  return keys.some((k) => AGGREGATOR_SECTIONS.includes(k)) ? "aggregator" : "agent";
}

async function checkConfig(file: string, kind: "aggregator" | "agent"): Promise<CheckedConfig> {
  if (kind === "agent") {
    const config = await loadAgentConfig(file);
    const unused = config.unused_sections ?? [];
    const notUsed = unused.length > 0 ? `; not used by the agent: ${unused.join(", ")}` : "";
    const summary = `${config.scrape_configs.length} scrape jobs${notUsed}`;
    return { summary, ruleFiles: [], sloFiles: [], alertmanagerFiles: [] };
  }
  const config = await loadAggregatorConfig(file);
  const problems = configProbeSloProblems(config).map(formatProblem);
  if (problems.length > 0) throw new Error(problems.join(`\n${file}: `));
  const tenants = Object.values(config.tenants);
  const scopes: [string, { rule_files: string[]; slo_files: string[] }][] = [
    ["", config],
    ...Object.entries(config.tenants).map(([name, t]): [string, typeof t] => [
      `tenants.${name}.`,
      t,
    ]),
  ];
  const missing: string[] = [];
  for (const [prefix, scope] of scopes)
    for (const key of ["rule_files", "slo_files"] as const)
      for (const file of await missingRuleFiles(scope[key], config.baseDir))
        missing.push(`${prefix}${key}: ${JSON.stringify(file)} does not point to an existing file`);
  if (missing.length > 0) throw new Error(missing.join(`\n${file}: `));
  const named = async (globs: string[]) => expandRuleGlobs(globs, config.baseDir);
  const ruleFiles = await named([...config.rule_files, ...tenants.flatMap((t) => t.rule_files)]);
  const sloFiles = await named([...config.slo_files, ...tenants.flatMap((t) => t.slo_files)]);
  const alertmanagerFiles = [config.alerting, ...tenants.map((t) => t.alerting)].flatMap((a) =>
    a.config_file === undefined ? [] : [a.config_file],
  );
  const counts = `${ruleFiles.length} rule files, ${sloFiles.length} SLO files found`;
  const summary = `aggregator config, ${config.storage.type} storage; ${counts}`;
  return { summary, ruleFiles, sloFiles, alertmanagerFiles };
}

/** A file's text; none when it cannot be read (its loader then says why). */
async function readOrNothing(file: string): Promise<string> {
  try {
    return await readConfigFile(file);
  } catch {
    return "";
  }
}

/**
 * The first key of a document that opens with a block mapping, read off its first line that
 * is not blank, a comment, a directive or the document start; undefined for anything else.
 */
export function firstKey(text: string): string | undefined {
  for (const line of text.split("\n", 200)) {
    if (/^\s*(#.*)?\r?$/.test(line) || line.startsWith("%") || /^---\s*(#.*)?\r?$/.test(line))
      continue;
    return /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:([ \t]|\r?$)/.exec(line)?.[1];
  }
  return undefined;
}

/** The top-level keys of a YAML text; none when it cannot be parsed. */
function topLevelKeys(text: string): string[] {
  try {
    // A rule file may hold more documents after the first; Prometheus reads the first. Keys
    // are read from the tree: converting the whole document would warn of keys that are maps.
    const root = parseAllDocuments(text)[0]?.contents;
    if (!isMap(root)) return [];
    return root.items.flatMap((item) => (isScalar(item.key) ? [String(item.key.value)] : []));
  } catch {
    return []; // the loader reports the YAML problem with its line
  }
}
