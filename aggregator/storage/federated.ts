/**
 * A Queryable over several tenants' stores, as Mimir's tenant federation: every series gains
 * `__tenant_id__="<tenant>"`, and matchers on `__tenant_id__` choose which tenants are read
 * at all. A request for one tenant reads that tenant's store directly (no label is added).
 */
import {
  compareLabels,
  compareNames,
  type Labels,
  labelsFromEntries,
} from "../../shared/model/labels.ts";
import { compileMatcher } from "./matchers.ts";
import type {
  LabelMatcher,
  Querier,
  Queryable,
  SamplePart,
  SeriesSamples,
  TimeRange,
} from "./storage.ts";

/** The label naming a series' tenant in a query over several tenants (Mimir's name). */
export const TENANT_LABEL = "__tenant_id__";

/** The tenants `matchers` select, and the matchers left for each tenant's store. */
export function splitTenantMatchers(
  tenants: readonly string[],
  matchers: readonly LabelMatcher[],
): { tenants: string[]; rest: LabelMatcher[] } {
  const own = matchers.filter((m) => m.name === TENANT_LABEL).map(compileMatcher);
  return {
    tenants: tenants.filter((t) => own.every((test) => test(t))),
    rest: matchers.filter((m) => m.name !== TENANT_LABEL),
  };
}

/** The labels with `__tenant_id__` set to `tenant` (replacing one stored with the series). */
export function withTenant(labels: Labels, tenant: string): Labels {
  const entries: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2)
    entries.push([labels[i] as string, labels[i + 1] as string]);
  entries.push([TENANT_LABEL, tenant]);
  return labelsFromEntries(entries);
}

/** The store of `tenants`: the one tenant's own, or a federation of them. */
export function tenantsQueryable(
  tenants: readonly string[],
  byTenant: (tenant: string) => Queryable,
): Queryable {
  if (tenants.length === 1) return byTenant(tenants[0] as string);
  return { querier: () => FederatedQuerier.open(tenants, byTenant), tenants };
}

class FederatedQuerier implements Querier {
  private constructor(private readonly parts: ReadonlyMap<string, Querier>) {}

  static async open(
    tenants: readonly string[],
    byTenant: (tenant: string) => Queryable,
  ): Promise<FederatedQuerier> {
    const parts = new Map<string, Querier>();
    try {
      for (const t of tenants) parts.set(t, await byTenant(t).querier());
    } catch (err) {
      for (const q of parts.values()) q.close();
      throw err;
    }
    return new FederatedQuerier(parts);
  }

  async select(matchers: readonly LabelMatcher[], range: TimeRange): Promise<SeriesSamples[]> {
    const { tenants, rest } = splitTenantMatchers([...this.parts.keys()], matchers);
    const found = await Promise.all(
      tenants.map(async (t) => {
        const series = await this.parts.get(t)!.select(rest, range);
        return series.map((s) => new TenantSeries(s, withTenant(s.labels, t)));
      }),
    );
    return found.flat().sort((a, b) => compareLabels(a.labels, b.labels));
  }

  async labelNames(matchers: readonly LabelMatcher[], range: TimeRange): Promise<string[]> {
    const { tenants, rest } = splitTenantMatchers([...this.parts.keys()], matchers);
    if (tenants.length === 0) return [];
    const names = await Promise.all(tenants.map((t) => this.parts.get(t)!.labelNames(rest, range)));
    return sortedUnion([...names, [TENANT_LABEL]]);
  }

  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    range: TimeRange,
  ): Promise<string[]> {
    const { tenants, rest } = splitTenantMatchers([...this.parts.keys()], matchers);
    if (name === TENANT_LABEL) {
      // A tenant counts only when some series of it matches the other matchers.
      const has = await Promise.all(
        tenants.map(async (t) => (await this.parts.get(t)!.labelNames(rest, range)).length > 0),
      );
      return tenants.filter((_, i) => has[i]).sort();
    }
    const values = await Promise.all(
      tenants.map((t) => this.parts.get(t)!.labelValues(name, rest, range)),
    );
    return sortedUnion(values);
  }

  close(): void {
    for (const q of this.parts.values()) q.close();
  }
}

/**
 * A tenant's series under its federated labels. It reads through to the store's own series
 * (a class whose samples may be joined on first use), so nothing is copied.
 */
class TenantSeries implements SeriesSamples {
  constructor(
    private readonly inner: SeriesSamples,
    readonly labels: Labels,
  ) {}
  get length(): number {
    return this.inner.length;
  }
  get timestamps(): Float64Array {
    return this.inner.timestamps;
  }
  get values(): Float64Array {
    return this.inner.values;
  }
  get parts(): readonly SamplePart[] | undefined {
    return this.inner.parts;
  }
}

function sortedUnion(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort(compareNames);
}
