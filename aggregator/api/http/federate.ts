/**
 * `/federate`, as Prometheus serves it, so a Prometheus (or anything that scrapes) can pull
 * series from an aggregator: for each series matching any `match[]` selector, its latest
 * sample of the last 5 minutes (none when that sample is a staleness marker), in the text
 * exposition format 0.0.4, each family `untyped`, with the sample's own timestamp and the
 * external labels (`global.external_labels`, and `instance=""`) the series does not carry
 * appended after its own, as Prometheus appends them. A bad selector is a plain-text 400.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { compareLabels, type Labels, labelValue } from "../../../shared/model/labels.ts";
import { isStaleAt } from "../../../shared/model/sample.ts";
import { formatGoFloat } from "../../promql/engine/format.ts";
import type { Queryable, SeriesSamples } from "../../storage/storage.ts";
import { parseMatchers } from "../query/selectors.ts";
import { withQuerier } from "../query/series.ts";
import type { Form } from "./form.ts";

/** How far back a series' latest sample may be: Prometheus's default lookback delta. */
const LOOKBACK_MS = 5 * 60_000;

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** One series' latest sample. */
interface Latest {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** The `/federate` answer for `form` over `queryable` at `now`. */
export async function federate(
  form: Form,
  queryable: Queryable,
  externalLabels: Readonly<Record<string, string>>,
  now: number,
  signal?: AbortSignal,
): Promise<Response> {
  let sets: ReturnType<typeof parseMatchers>;
  try {
    sets = parseMatchers(form.all("match[]"));
  } catch (error) {
    // A selector that does not parse (SyntaxError, ParseError) or matches every series.
    if (!(error instanceof SyntaxError || error instanceof OutpostError)) throw error;
    return new Response(`${error.message}\n`, {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  // As the series lookups read: under their timeout and regex budget, ended with the client.
  const latest = await withQuerier(queryable, signal, async (querier) => {
    const found = new Map<string, Latest>();
    for (const matchers of sets) {
      for (const s of await querier.select(matchers, { start: now - LOOKBACK_MS, end: now })) {
        const sample = lastSample(s, now);
        if (sample !== null) found.set(s.labels.join("\xff"), sample);
      }
    }
    return found;
  });
  const body = exposition([...latest.values()].sort(byName), externalLabels);
  return new Response(body, { headers: { "content-type": CONTENT_TYPE } });
}

/** The series' last sample at or before `now`, or null when none or a staleness marker. */
function lastSample(s: SeriesSamples, now: number): Latest | null {
  let i = s.length - 1;
  while (i >= 0 && s.timestamps[i] > now) i--;
  if (i < 0) return null;
  const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.values.length);
  if (Number.isNaN(s.values[i]) && isStaleAt(words, i)) return null;
  return { labels: s.labels, t: s.timestamps[i], v: s.values[i] };
}

/** By metric name, then by the rest of the labels (Prometheus sorts by name only). */
function byName(a: Latest, b: Latest): number {
  const na = labelValue(a.labels, "__name__");
  const nb = labelValue(b.labels, "__name__");
  return na < nb ? -1 : na > nb ? 1 : compareLabels(a.labels, b.labels);
}

/** The samples in the text format, a `# TYPE … untyped` line before each family. */
function exposition(samples: readonly Latest[], external: Readonly<Record<string, string>>) {
  const globals: Record<string, string> = { instance: "", ...external };
  const globalNames = Object.keys(globals).sort();
  const lines: string[] = [];
  let family: string | null = null;
  for (const s of samples) {
    const name = labelValue(s.labels, "__name__");
    if (name === "") continue; // Prometheus skips a nameless series, as it cannot be written.
    if (name !== family) {
      lines.push(`# TYPE ${legacyName(name)} untyped`);
      family = name;
    }
    const pairs: string[] = [];
    const own = new Set<string>();
    for (let i = 0; i < s.labels.length; i += 2) {
      if (s.labels[i] === "__name__") continue;
      own.add(s.labels[i]);
      pairs.push(`${legacyName(s.labels[i])}="${escapeValue(s.labels[i + 1])}"`);
    }
    for (const g of globalNames)
      if (!own.has(g)) pairs.push(`${legacyName(g)}="${escapeValue(globals[g])}"`);
    const labelText = pairs.length > 0 ? `{${pairs.join(",")}}` : "";
    lines.push(`${legacyName(name)}${labelText} ${formatGoFloat(s.v)} ${s.t}`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** A label value in the text format: backslash, double quote and newline escaped. */
function escapeValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/**
 * A name the text format 0.0.4 can carry: a UTF-8 name (Prometheus 3 allows them) has each
 * character outside `[a-zA-Z0-9_:]` replaced by `_`, and `_` put before a leading digit, as
 * Prometheus 3 escapes names for that format ("underscores").
 */
function legacyName(name: string): string {
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) return name;
  const replaced = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}
