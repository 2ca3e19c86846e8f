/**
 * Side-by-side checks of an integration's collector against the official exporter: both
 * outputs reduced to families (type, HELP, label names, values by series) and compared, and
 * the exporter's families Outpost lacks looked up in docs/integrations.md's table.
 */
import { expect } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { collect } from "../../shared/exposition/testing.ts";
import { formatSeries, labelsFromRecord } from "../../shared/model/labels.ts";

/** One exposition reduced to families: type, HELP, label names, and values by series. */
export interface Families {
  meta: Map<string, { type: string; help: string }>;
  labelNames: Map<string, Set<string>>;
  values: Map<string, number>;
}

const SUFFIXES = ["_sum", "_count", "_bucket"];

function familyOf(name: string, meta: Map<string, unknown>): string {
  for (const s of SUFFIXES)
    if (name.endsWith(s) && meta.has(name.slice(0, -s.length))) return name.slice(0, -s.length);
  return name;
}

function addSample(f: Families, name: string, labels: Record<string, string>, value: number): void {
  const own = Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ""));
  const family = familyOf(name, f.meta);
  const names = f.labelNames.get(family) ?? new Set<string>();
  for (const l of Object.keys(own)) if (l !== "quantile" && l !== "le") names.add(l);
  f.labelNames.set(family, names);
  f.values.set(formatSeries(labelsFromRecord({ ...own, __name__: name })), value);
}

/** The families of an exporter's text exposition. */
export function fromExporter(text: string): Families {
  const f: Families = { meta: new Map(), labelNames: new Map(), values: new Map() };
  const c = collect(text);
  for (const [name, kind, value] of c.metadata) {
    const m = f.meta.get(name) ?? { type: "", help: "" };
    if (kind === "type" || kind === "help") m[kind] = value;
    f.meta.set(name, m);
  }
  c.entries.forEach((e, i) => {
    const rec: Record<string, string> = {};
    for (let j = 0; j < e.labels.length; j += 2) rec[e.labels[j]] = e.labels[j + 1];
    const { __name__: name, ...labels } = rec;
    addSample(f, name, labels, c.samples[i][1]);
  });
  return f;
}

/** The families of one collection by `collector`, and the parts it reported failing. */
export async function fromOutpost(
  collector: IntegrationCollector,
): Promise<Families & { problems: string[] }> {
  const w = new RecordingWriter();
  const problems = await collector.collect(w, 10_000);
  const f: Families = { meta: new Map(), labelNames: new Map(), values: new Map() };
  for (const [name, m] of w.families) f.meta.set(name, m);
  for (const s of w.samples) addSample(f, s.name, s.labels, s.value);
  return { ...f, problems };
}

/** Family names (or `prefix_*` patterns) docs/`file` lists as missing for `exporter`. */
export async function documentedMissing(
  exporter: string,
  file = "integrations.md",
): Promise<string[]> {
  const doc = await Bun.file(join(import.meta.dir, "../../docs", file)).text();
  const row = new RegExp(`^\\| \`([a-z_*]+)\` \\| ${exporter} \\|`, "gm");
  return [...doc.matchAll(row)].map((m) => m[1]);
}

function isDocumented(name: string, documented: string[]): boolean {
  return documented.some((d) => (d.endsWith("*") ? name.startsWith(d.slice(0, -1)) : d === name));
}

/**
 * Every family both produce has the same type, HELP and label names; no family is Outpost's
 * alone; `stable` series are equal; the exporter's families Outpost lacks are documented.
 */
export async function compareFamilies(
  exporterName: string,
  exporter: Families,
  outpost: Families,
  stable: (series: string) => boolean,
  /** How many stable series must be compared at least: an exporter with few families sets it lower. */
  minCompared = 21,
) {
  const shared = [...outpost.meta.keys()].filter((n) => exporter.meta.has(n));
  const onlyOutpost = [...outpost.meta.keys()].filter((n) => !exporter.meta.has(n));
  expect(onlyOutpost).toEqual([]);
  for (const name of shared) {
    expect({ name, ...outpost.meta.get(name) }).toEqual({ name, ...exporter.meta.get(name) });
    expect({ name, labels: [...(outpost.labelNames.get(name) ?? [])].sort() }).toEqual({
      name,
      labels: [...(exporter.labelNames.get(name) ?? [])].sort(),
    });
  }
  const compared: string[] = [];
  for (const [series, value] of exporter.values) {
    if (!stable(series)) continue;
    compared.push(series);
    expect({ series, value: outpost.values.get(series) }).toEqual({ series, value });
  }
  expect(compared.length).toBeGreaterThanOrEqual(minCompared);
  const documented = await documentedMissing(exporterName);
  const missing = [...exporter.meta.keys()].filter((n) => !outpost.meta.has(n));
  expect(missing.filter((n) => !isDocumented(n, documented))).toEqual([]);
  return { shared: shared.length, compared: compared.length, missing };
}
