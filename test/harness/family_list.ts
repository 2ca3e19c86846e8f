/**
 * For exporters Debian does not ship (memcached_exporter, prometheus-nats-exporter): their
 * families written down from their source in test/fixtures/exporters/*.families (`name type
 * label,label`), and Outpost's families held against that list.
 */
import { expect } from "bun:test";
import { join } from "node:path";
import { documentedMissing, type Families } from "./families.ts";

/** One family of an exporter's list. */
export interface ListedFamily {
  type: string;
  labels: string[];
}

/** Reads `test/fixtures/exporters/<file>`. */
export async function readFamilyList(file: string): Promise<Map<string, ListedFamily>> {
  const text = await Bun.file(join(import.meta.dir, "../fixtures/exporters", file)).text();
  const out = new Map<string, ListedFamily>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const [name, type, labels = ""] = line.trim().split(/\s+/);
    out.set(name, { type, labels: labels === "" ? [] : labels.split(",") });
  }
  return out;
}

/**
 * Every family Outpost writes is on the list (except `extra`, its own documented `up`) with
 * the list's type and only the list's label names (an empty value drops its label, as in
 * Prometheus); every listed family Outpost lacks is documented in docs/integrations-mq.md.
 */
export async function compareWithList(
  exporterName: string,
  list: Map<string, ListedFamily>,
  outpost: Families,
  extra: readonly string[] = [],
): Promise<{ shared: number; missing: string[] }> {
  const mine = [...outpost.meta.keys()].filter((n) => !extra.includes(n));
  expect(mine.filter((n) => !list.has(n))).toEqual([]);
  for (const name of mine) {
    const want = list.get(name) as ListedFamily;
    expect({ name, type: outpost.meta.get(name)?.type }).toEqual({ name, type: want.type });
    const labels = [...(outpost.labelNames.get(name) ?? [])];
    expect({ name, extra: labels.filter((l) => !want.labels.includes(l)) }).toEqual({
      name,
      extra: [],
    });
  }
  const documented = await documentedMissing(exporterName, "integrations-mq.md");
  const missing = [...list.keys()].filter((n) => !outpost.meta.has(n));
  const undocumented = missing.filter(
    (n) => !documented.some((d) => (d.endsWith("*") ? n.startsWith(d.slice(0, -1)) : d === n)),
  );
  expect(undocumented).toEqual([]);
  return { shared: mine.length, missing };
}
