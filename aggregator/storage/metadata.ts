/**
 * HELP/TYPE/UNIT of the metric families agents sent, per tenant, for `/api/v1/metadata`. Like
 * Prometheus, which answers from its scrape targets' caches, this lives in memory: agents send
 * a family's metadata when it is new or changed and all of it every 10 minutes, so a restarted
 * aggregator knows every family again within that time. With several aggregators sharing the
 * stream, each knows the families of the batches it consumed.
 */
import type { MetricMetadata } from "../../shared/model/sample.ts";

/** Entries kept per tenant at most; the least recently seen are forgotten first. */
const MAX_ENTRIES = 100_000;
/** An entry not seen again for this long is forgotten (families that are gone). */
const FORGET_AFTER_MS = 24 * 3_600_000;

/** Latest-seen metadata entries, one per distinct (name, type, help, unit). */
export class MetadataIndex {
  private readonly tenants = new Map<string, Map<string, { meta: MetricMetadata; seen: number }>>();

  /** Records the metadata a batch carried. */
  observe(tenant: string, metadata: readonly MetricMetadata[], now = Date.now()): void {
    if (metadata.length === 0) return;
    let entries = this.tenants.get(tenant);
    if (!entries) {
      entries = new Map();
      this.tenants.set(tenant, entries);
    }
    for (const m of metadata) {
      const key = `${m.name}\xff${m.type}\xff${m.help}\xff${m.unit}`;
      // Re-inserted: the map's order is the order of last sighting.
      entries.delete(key);
      entries.set(key, { meta: { ...m }, seen: now });
    }
    for (const [key, e] of entries) {
      if (entries.size <= MAX_ENTRIES && now - e.seen < FORGET_AFTER_MS) break;
      entries.delete(key);
    }
  }

  /** The tenant's entries. */
  list(tenant: string, now = Date.now()): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const e of this.tenants.get(tenant)?.values() ?? []) {
      if (now - e.seen < FORGET_AFTER_MS) out.push(e.meta);
    }
    return out;
  }
}
