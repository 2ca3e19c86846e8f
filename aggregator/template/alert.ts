/**
 * Templates of alerting rules as Prometheus expands them (rules/alerting.go): the text gets a
 * header that binds `$labels`, `$externalLabels`, `$externalURL` and `$value`, the data is
 * Prometheus's struct of those four, map lookups of missing labels give "" (the expander uses
 * missingkey=zero), and a failure becomes the text `<error expanding template: …>`.
 */
import { type PrometheusOptions, prometheusFuncs, type QueryFunc } from "./prometheus.ts";
import { parseTemplate, type Template, TemplateError } from "./template.ts";
import { GoStruct, stringMap } from "./values.ts";

/** What an alert's annotation or label template sees. */
export interface AlertTemplateData {
  labels: Record<string, string>;
  value: number;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  /** Runs `query` in the template, at the evaluation time. */
  query?: QueryFunc;
  /** The rule's name: templates are named `__alert_<name>` as in Prometheus. */
  alertName?: string;
}

/** The header Prometheus prepends to every annotation and label template. */
export const ALERT_HEADER =
  "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

const DATA_TYPE =
  "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }";

/** How an expansion runs. */
export interface ExpandOptions {
  /**
   * Parse and run every template (the reference) instead of reusing the parse of the same
   * text and returning a text without actions as it is: rules expand the same few templates
   * for every alert at every evaluation.
   */
  reference?: boolean;
}

/** A parsed alert template, its functions bound to an external URL and no `query`. */
interface Parsed {
  readonly template: Template;
  readonly externalURL: string;
}

/**
 * Parsed alert templates by name, then text; cleared when full, templates being few. Rules
 * share their texts (one annotation pattern for many alerts), so each distinct text is parsed
 * once (`byText`, under a neutral name) and each (name, text) holds only a renamed copy.
 */
const parsed = new Map<string, Map<string, Parsed>>();
/** Shared parses by external URL (their functions are bound to it) and text; null: does not parse. */
const byText = new Map<string, Template | null>();
let parsedCount = 0;
const PARSED_MAX = 10_000;
/** The name a shared parse is made under before it is renamed for each alert. */
const SHARED_NAME = "__alert_";

function parseAlertTemplate(name: string, text: string, options: PrometheusOptions): Template {
  const funcs = prometheusFuncs(options);
  try {
    return parseTemplate(name, ALERT_HEADER + text, { funcs, missingKey: "zero" });
  } catch (error) {
    if (error instanceof TemplateError)
      throw new TemplateError(`error parsing template ${name}: ${error.message}`, error.line);
    throw error;
  }
}

/**
 * The parse of `text` under `name`: the shared parse of the text renamed, or (a text that
 * calls `template`, whose target could be the name itself) a parse of its own. A text that
 * does not parse is parsed, and fails, under its own name each time.
 */
function parseOnce(name: string, text: string, externalURL: string): Template {
  if (!text.includes("template")) {
    const key = `${externalURL}\x00${text}`;
    let shared = byText.get(key);
    if (shared === undefined) {
      try {
        shared = parseAlertTemplate(SHARED_NAME, text, { externalURL });
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        shared = null;
      }
      byText.set(key, shared);
    }
    const renamed = shared?.renamed(name);
    if (renamed) return renamed;
  }
  return parseAlertTemplate(name, text, { externalURL });
}

/**
 * The parse of `text`, from the cache. The functions are bound anew only when they differ: a
 * text without the word `query` cannot call it, so only the external URL counts.
 */
function cachedAlertTemplate(name: string, text: string, options: PrometheusOptions): Template {
  const externalURL = options.externalURL ?? "";
  let hit = parsed.get(name)?.get(text);
  if (!hit) {
    hit = { template: parseOnce(name, text, externalURL), externalURL };
    if (parsedCount >= PARSED_MAX) {
      parsed.clear();
      byText.clear();
      parsedCount = 0;
    }
    const texts = parsed.get(name) ?? parsed.set(name, new Map()).get(name)!;
    texts.set(text, hit);
    parsedCount++;
  }
  if (hit.externalURL === externalURL && !text.includes("query")) return hit.template;
  return hit.template.withFuncs(prometheusFuncs(options));
}

/**
 * Expands an alert template as Prometheus does and throws TemplateError when it cannot
 * (Prometheus's rule manager then writes {@link expandAlertTemplate}'s error text instead).
 */
export async function expandAlertTemplateStrict(
  text: string,
  data: AlertTemplateData,
  opts: ExpandOptions = {},
): Promise<string> {
  // Without an action, the text is its own expansion (the header prints nothing).
  if (!opts.reference && !text.includes("{{")) return text;
  const options: PrometheusOptions = { query: data.query, externalURL: data.externalURL ?? "" };
  const name = `__alert_${data.alertName ?? ""}`;
  const template = opts.reference
    ? parseAlertTemplate(name, text, options)
    : cachedAlertTemplate(name, text, options);
  const struct = new GoStruct(DATA_TYPE, {
    Labels: stringMap(data.labels),
    ExternalLabels: stringMap(data.externalLabels ?? {}),
    ExternalURL: data.externalURL ?? "",
    Value: data.value,
  });
  try {
    return await template.execute(struct);
  } catch (error) {
    if (error instanceof TemplateError)
      throw new TemplateError(`error executing template ${name}: ${error.message}`, error.line);
    throw error;
  }
}

/** The functions a parse is checked against; made once (a file may hold thousands of templates). */
let checkFuncs: ReturnType<typeof prometheusFuncs> | undefined;

/**
 * Checks that an alerting rule's label or annotation template parses, as `promtool check rules`
 * does: the parse error (`template: __alert_X:1: unclosed action`) or null.
 */
export function checkAlertTemplate(text: string, alertName: string): string | null {
  checkFuncs ??= prometheusFuncs();
  try {
    parseTemplate(`__alert_${alertName}`, ALERT_HEADER + text, { funcs: checkFuncs });
    return null;
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
}

/** Expands an alert template as Prometheus does, failures included as `<error expanding template: …>`. */
export async function expandAlertTemplate(
  text: string,
  data: AlertTemplateData,
  opts: ExpandOptions = {},
): Promise<string> {
  try {
    return await expandAlertTemplateStrict(text, data, opts);
  } catch (error) {
    if (error instanceof TemplateError) return `<error expanding template: ${error.message}>`;
    throw error;
  }
}
