/**
 * An alert's labels and annotations, expanded from the rule's templates, and their reuse
 * between evaluations. Prometheus expands every template of every alert at every evaluation;
 * the text can only differ when what the template sees differs: the series' labels, `$value`,
 * the external labels and URL, or (through `query`) stored data. So a series seen again with
 * the same value keeps its expansions, and with a new value re-expands only the templates
 * that can see the value.
 */
import { type Labels, labelsKey } from "../../../shared/model/labels.ts";
import type { AlertingRule } from "../model.ts";
import { labelsRecord, type OutputSample, withLabels } from "./output.ts";
import type { ExpandTemplate } from "./template.ts";

/** What an expansion sees besides the series. */
export interface ExpandContext {
  readonly expand: ExpandTemplate;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
}

/** One series' expansions. */
export interface Expanded {
  /** Series labels without `__name__`, the rule's labels expanded, and `alertname`. */
  readonly labels: Labels;
  readonly annotations: Record<string, string>;
}

interface Entry extends Expanded {
  readonly value: number;
  /** The rule's labels, expanded. */
  readonly set: Readonly<Record<string, string>>;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
}

/** Template actions; a string or comment in one makes the check give up (see seesOnlyLabels). */
const ACTION = /\{\{(.*?)\}\}/gs;
const LABEL_REFS = /\$(?:labels|externalLabels)(?:\.[A-Za-z_][A-Za-z0-9_]*)?|\$externalURL/g;

/**
 * True when every action of `text` uses no data but `$labels`, `$externalLabels` and
 * `$externalURL`: no other variable, no `.`, no `query`. Cautious: an action holding a string
 * or a comment is taken to see everything (a `}}` inside one would hide what follows).
 */
export function seesOnlyLabels(text: string): boolean {
  for (const [, action] of text.matchAll(ACTION)) {
    const rest = action.replace(LABEL_REFS, "");
    if (/[$.'"`]|\/\*|query/.test(rest)) return false;
  }
  return true;
}

/** Expands `sample`'s labels and annotations; `keep` gives the texts that need no expansion. */
export async function expandAlert(
  rule: AlertingRule,
  sample: OutputSample,
  ts: number,
  ctx: ExpandContext,
  keep?: (kind: "label" | "annotation", name: string) => string | undefined,
): Promise<Expanded & { set: Record<string, string> }> {
  const data = {
    labels: labelsRecord(sample.labels),
    value: sample.value,
    externalLabels: ctx.externalLabels,
    externalURL: ctx.externalURL,
    alertName: rule.name,
    ts,
  };
  const set: Record<string, string> = {};
  for (const [name, text] of Object.entries(rule.labels))
    set[name] = keep?.("label", name) ?? (await ctx.expand(text, data));
  set.alertname = rule.name;
  const annotations: Record<string, string> = {};
  for (const [name, text] of Object.entries(rule.annotations))
    annotations[name] = keep?.("annotation", name) ?? (await ctx.expand(text, data));
  return { labels: withLabels(sample.labels, set, ["__name__"]), annotations, set };
}

/** One alerting rule's expansions of the last evaluation, by series. */
export class ExpansionReuse {
  /** False when a template can call `query`: its text depends on stored data. */
  readonly usable: boolean;
  private readonly labelsOnly = new Set<string>();
  private last = new Map<string, Entry>();
  private next = new Map<string, Entry>();

  constructor(private readonly rule: AlertingRule) {
    const texts = {
      ...prefixed("label", rule.labels),
      ...prefixed("annotation", rule.annotations),
    };
    this.usable = !Object.values(texts).some((text) => text.includes("query"));
    for (const [key, text] of Object.entries(texts))
      if (seesOnlyLabels(text)) this.labelsOnly.add(key);
  }

  /** `sample`'s expansions: the last ones where nothing they depend on changed. */
  async expand(sample: OutputSample, ts: number, ctx: ExpandContext): Promise<Expanded> {
    const key = labelsKey(sample.labels);
    const prev = this.last.get(key);
    const sameContext =
      prev !== undefined &&
      prev.externalLabels === ctx.externalLabels &&
      prev.externalURL === ctx.externalURL;
    let entry = sameContext && Object.is(prev.value, sample.value) ? prev : undefined;
    if (entry === undefined) {
      const keep = sameContext
        ? (kind: "label" | "annotation", name: string) =>
            this.labelsOnly.has(`${kind}:${name}`)
              ? (kind === "label" ? prev.set : prev.annotations)[name]
              : undefined
        : undefined;
      const e = await expandAlert(this.rule, sample, ts, ctx, keep);
      const { externalLabels, externalURL } = ctx;
      entry = { ...e, value: sample.value, externalLabels, externalURL };
    }
    this.next.set(key, entry);
    return entry;
  }

  /** Ends an evaluation: what it expanded is what the next one may reuse. */
  finish(): void {
    this.last = this.next;
    this.next = new Map();
  }
}

function prefixed(kind: string, texts: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(texts).map(([k, v]) => [`${kind}:${k}`, v]));
}
