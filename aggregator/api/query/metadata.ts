/**
 * HELP, TYPE and UNIT per metric family, whatever transport asked, as Prometheus answers
 * `/api/v1/metadata` from its scrape targets: one entry per distinct metadata, families in
 * byte order. Outpost answers from what its agents sent along with the samples.
 */
import { sortUtf8 } from "../../../shared/model/order.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";

/** Where the metadata comes from; absent until the aggregator keeps it. */
export type MetadataSource = () => readonly MetricMetadata[];

/** One distinct metadata of a family. */
export interface MetadataEntry {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** What to list: one metric (all when ""), most families and entries (negative: no limit). */
export interface MetadataQuery {
  readonly metric: string;
  readonly limit: number;
  readonly limitPerMetric: number;
}

/** The families and their distinct metadata, by name in byte order. */
export function metadataFamilies(
  source: MetadataSource | undefined,
  q: MetadataQuery,
): [string, MetadataEntry[]][] {
  const byName = new Map<string, Map<string, MetricMetadata>>();
  for (const m of source?.() ?? []) {
    if (q.metric !== "" && m.name !== q.metric) continue;
    let distinct = byName.get(m.name);
    if (!distinct) {
      distinct = new Map();
      byName.set(m.name, distinct);
    }
    distinct.set(`${m.type}\xff${m.help}\xff${m.unit}`, m);
  }
  const out: [string, MetadataEntry[]][] = [];
  // Prometheus answers a Go map, which encoding/json writes with its keys in byte order.
  for (const name of sortUtf8([...byName.keys()])) {
    // As Prometheus: a negative limit is no limit, and limit=0 answers nothing.
    if (q.limit >= 0 && out.length >= q.limit) break;
    let entries = [...byName.get(name)!.values()].map(({ type, help, unit }) => ({
      type,
      help,
      unit,
    }));
    if (q.limitPerMetric > 0) entries = entries.slice(0, q.limitPerMetric);
    out.push([name, entries]);
  }
  return out;
}
