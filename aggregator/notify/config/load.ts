/**
 * Loading alertmanager.yml as Alertmanager 0.25+ does: strict decoding of every section
 * (shape.ts), then the checks its config package makes, with its wording; every problem is
 * reported with file:line:column, all at once, in one ConfigError.
 */
import { dirname, isAbsolute, join } from "node:path";
import { Document, LineCounter, type Node, parseAllDocuments } from "yaml";
import {
  ConfigError,
  type ConfigProblem,
  reportedYamlErrors,
} from "../../../shared/config/errors.ts";
import { readConfigFile } from "../../../shared/config/load.ts";
import { isNull, type Tree } from "../../rules/yaml_tree.ts";
import { checkSmarthost, decodeInhibitRules, decodeReceivers } from "./checks.ts";
import { checkHttp } from "./http_checks.ts";
import { resolveHttpFiles } from "./http_files.ts";
import { receiverSpec, type Section } from "./integrations.ts";
import { decodeIntervals } from "./intervals.ts";
import { isEmpty } from "./kinds/kind.ts";
import type { AlertmanagerConfig } from "./model.ts";
import { checkRouteTree, decodeRoute } from "./route.ts";
import { fieldPos, ShapeDecoder, type Spec } from "./shape.ts";
import { globalSpec, inhibitSpec, namedIntervalSpec, routeSpec } from "./specs.ts";

/** The whole file's sections. */
export const documentSpec: Spec = {
  object: "config",
  fields: {
    global: globalSpec,
    route: routeSpec,
    inhibit_rules: { list: inhibitSpec },
    receivers: { list: receiverSpec, nulls: "refuse" },
    templates: { list: "string", nulls: "zero" },
    time_intervals: { list: namedIntervalSpec },
    mute_time_intervals: { list: namedIntervalSpec },
  },
};

/** `global`'s defaults, as Alertmanager fills them. */
function globalDefaults(): Section {
  return {
    resolve_timeout: 5 * 60_000,
    http_config: { follow_redirects: true, enable_http2: true },
    smtp_hello: "localhost",
    smtp_require_tls: true,
    pagerduty_url: "https://events.pagerduty.com/v2/enqueue",
    opsgenie_api_url: "https://api.opsgenie.com/",
    wechat_api_url: "https://qyapi.weixin.qq.com/cgi-bin/",
    victorops_api_url: "https://alert.victorops.com/integrations/generic/20131114/alert/",
    telegram_api_url: "https://api.telegram.org",
    webex_api_url: "https://webexapis.com/v1/messages",
  };
}

/** Reads and loads an alertmanager.yml; see {@link parseAlertmanagerConfig}. */
export async function loadAlertmanagerConfig(file: string): Promise<AlertmanagerConfig> {
  return parseAlertmanagerConfig(await readConfigFile(file), file);
}

/** Parses alertmanager.yml text; throws a ConfigError listing every problem with its line. */
export function parseAlertmanagerConfig(text: string, file: string): AlertmanagerConfig {
  const lines = new LineCounter();
  // Alertmanager (yaml.v2's Unmarshal) reads the first document of the file and no more.
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const doc = Array.isArray(docs) ? (docs[0] ?? new Document(null)) : docs;
  const tree: Tree = { doc, lines };
  const reported = reportedYamlErrors(doc.errors, (at) => lines.linePos(at).line);
  const problems: ConfigProblem[] = reported.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { file, line, column: col, path: "", reason: `Cannot parse YAML: ${e.message}` };
  });
  const version = versionProblem(doc, text);
  if (version !== undefined) {
    const { line, col } = lines.linePos(version);
    const reason =
      "Cannot parse YAML: found incompatible YAML document (Alertmanager reads YAML 1.1)";
    problems.push({ file, line, column: col, path: "", reason });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const d = new ShapeDecoder(tree, file, problems);
  const root = doc.contents as Node | null;
  const raw = (isNull(root) ? {} : d.decode(root, documentSpec, [])) as Section | undefined;
  if (raw === undefined || problems.length > 0) throw new ConfigError(problems);
  const config = check(raw, file, d);
  if (problems.length > 0) throw new ConfigError(problems);
  return config!;
}

/**
 * A `templates` glob as Alertmanager resolves it: a relative one joined to the file's
 * directory and cleaned as Go's filepath.Join cleans (no trailing `/`); an empty one kept empty
 * (it matches nothing).
 */
function templatePath(glob: string, dir: string): string {
  if (glob === "" || isAbsolute(glob)) return glob;
  const joined = join(dir, glob);
  return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
}

/** Where a `%YAML` directive asks for a version other than 1.1, which yaml.v2 refuses. */
function versionProblem(doc: Document, text: string): number | undefined {
  const directive = doc.directives?.yaml;
  if (directive?.explicit !== true) return undefined;
  const unsupported = doc.warnings.some((w) => w.message.startsWith("Unsupported YAML version"));
  return directive.version !== "1.1" || unsupported ? text.indexOf("%YAML") : undefined;
}

function check(raw: Section, file: string, d: ShapeDecoder): AlertmanagerConfig | undefined {
  const global = { ...globalDefaults(), ...((raw.global as Section | undefined) ?? {}) };
  const dir = dirname(file);
  global.http_config = resolveHttpFiles(
    { ...(globalDefaults().http_config as Section), ...(global.http_config as Section) },
    dir,
  );
  const globalRaw = (raw.global as Section | undefined) ?? {};
  for (const [a, b] of [
    ["slack_api_url", "slack_api_url_file"],
    ["opsgenie_api_key", "opsgenie_api_key_file"],
    ["victorops_api_key", "victorops_api_key_file"],
    ["smtp_auth_password", "smtp_auth_password_file"],
  ]) {
    if (!isEmpty(global[a]) && !isEmpty(global[b])) {
      d.fail(fieldPos(globalRaw, b), "global", `at most one of ${a} & ${b} must be configured`);
    }
  }
  if (!isEmpty(global.smtp_smarthost)) {
    checkSmarthost(d, globalRaw, "smtp_smarthost", global.smtp_smarthost as string, "global");
  }
  checkHttp(d, globalRaw.http_config as Section | undefined, "global.http_config");
  const timeIntervals = decodeIntervals(raw, d);
  const receivers = decodeReceivers(raw, global, d, dir);
  const inhibitRules = decodeInhibitRules(raw, d);
  if (raw.route === undefined) {
    d.fail({ line: 1, column: 1 }, "", "no routes provided");
    return undefined;
  }
  const route = decodeRoute(raw.route as Section, d, "route");
  checkRouteTree(route, raw.route as Section, {
    receivers: new Set(receivers.map((r) => r.name)),
    intervals: timeIntervals,
    fail: (pos, reason) => d.fail(pos, "route", reason),
  });
  const templates = ((raw.templates as string[] | undefined) ?? []).map((t) =>
    templatePath(t, dir),
  );
  const document = { ...raw, global };
  return { file, global, route, inhibitRules, receivers, templates, timeIntervals, document };
}

/** The top-level keys of an alertmanager.yml, to tell it apart from Outpost's own configs. */
export function isAlertmanagerDocument(keys: readonly string[]): boolean {
  return keys.includes("route") || keys.includes("receivers");
}
