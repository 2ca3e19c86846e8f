/**
 * Rule groups uploaded through the ruler API, shared by every aggregator through one NATS KV
 * bucket (one key per tenant, namespace and group), mirrored in memory by a watch as the
 * silences are. Each tenant's namespaces become rule files of its evaluator (`files()`), and a
 * change anywhere tells the tenant's owner (`onChange`) so that its rules reload, on every
 * aggregator, within the watch's delay.
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import { TENANT_NAME } from "../auth/tenants.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import { KvRevisions } from "../ingest/kv_revisions.ts";
import type { GeneratedFile } from "../rules/eval/component.ts";
import { parseRuleGroup, type RuleFileResult } from "../rules/file.ts";

const log = logger("ruler");

/** The bucket uploaded rule groups live in. */
export const RULER_BUCKET = "OUTPOST_RULER";

/** How long a tenant's changes are gathered before its rules reload once for all of them. */
const SETTLE_MS = 20;

/** A rule group as uploaded: where it belongs and its YAML as sent. */
export interface StoredGroup {
  readonly namespace: string;
  readonly name: string;
  readonly text: string;
  readonly updatedMs: number;
}

interface Held extends StoredGroup {
  readonly parsed: RuleFileResult;
}

/** The uploaded rule groups of every tenant, as one aggregator sees them. */
export class RulerStore {
  /** tenant → key → group. */
  private readonly tenants = new Map<string, Map<string, Held>>();
  /** Each group's revision: this aggregator's own write never replaces a newer one. */
  private readonly revisions = new KvRevisions();
  private stopWatch: (() => void) | null = null;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private ready = false;
  private readonly undecodable: Metric;

  constructor(
    private readonly kv: KeyValueStore,
    /** Called once a tenant's groups changed (after the first load: see `tenantsWithGroups`). */
    private readonly onChange: (tenant: string) => void,
    registry: Registry,
  ) {
    this.undecodable = registry.counter(
      "outpost_ruler_undecodable_total",
      "Values in the ruler's bucket that could not be read as a rule group, and were ignored.",
    );
  }

  /** Loads the bucket and follows it; resolves once every stored group is known. */
  async start(): Promise<void> {
    let loaded!: () => void;
    const done = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    this.stopWatch = await this.kv.watch({
      change: (c) => {
        if (!this.revisions.admit(c.key, c.revision)) return;
        if (c.value === null) this.revisions.forget(c.key, c.revision);
        this.apply(c.key, c.value);
      },
      reset: () => this.revisions.clear(),
      ready: () => {
        this.ready = true;
        loaded();
      },
    });
    await done;
  }

  /** Stops following the bucket. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  /** The tenants that have uploaded groups. */
  tenantsWithGroups(): string[] {
    return [...this.tenants].filter(([, g]) => g.size > 0).map(([t]) => t);
  }

  /** A tenant's groups by namespace, namespaces and groups sorted by name. */
  namespaces(tenant: string): Map<string, StoredGroup[]> {
    const out = new Map<string, StoredGroup[]>();
    const all = [...(this.tenants.get(tenant)?.values() ?? [])].sort(
      (a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name),
    );
    for (const g of all) {
      const list = out.get(g.namespace) ?? [];
      list.push(g);
      out.set(g.namespace, list);
    }
    return out;
  }

  /** One group, or undefined. */
  group(tenant: string, namespace: string, name: string): StoredGroup | undefined {
    return this.tenants.get(tenant)?.get(groupKey(tenant, namespace, name));
  }

  /** How many groups a tenant has. */
  count(tenant: string): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }

  /** Stores (or replaces) a group; in this aggregator's view at once, in others' via the watch. */
  async put(tenant: string, group: StoredGroup): Promise<void> {
    const key = groupKey(tenant, group.namespace, group.name);
    const value = new TextEncoder().encode(JSON.stringify(group));
    // Unless the watch brought a newer value first (a delete made through another aggregator).
    if (this.revisions.admit(key, await this.kv.put(key, value))) this.apply(key, value);
  }

  /** Deletes groups; false when there was none of them. */
  async delete(tenant: string, groups: readonly StoredGroup[]): Promise<boolean> {
    for (const g of groups) {
      const key = groupKey(tenant, g.namespace, g.name);
      if (await this.revisions.deleted(key, () => this.kv.delete(key))) this.apply(key, null);
    }
    return groups.length > 0;
  }

  /** A tenant's namespaces as the rule files its evaluator loads, each named by its namespace. */
  files(tenant: string): GeneratedFile[] {
    const out: GeneratedFile[] = [];
    for (const [namespace, groups] of this.namespaces(tenant)) {
      const held = groups as Held[];
      out.push({
        file: namespace,
        groups: held.flatMap((g) => g.parsed.groups),
        problems: held.flatMap((g) => g.parsed.problems),
      });
    }
    return out;
  }

  private apply(key: string, value: Uint8Array | null): void {
    const tenant = key.slice(0, key.indexOf("."));
    let groups = this.tenants.get(tenant);
    if (value === null) {
      if (!groups?.delete(key)) return;
    } else {
      const held = decode(key, value);
      if (held === null) {
        this.undecodable.inc();
        log.warn("Cannot read a stored rule group: ignoring it", { key });
        return;
      }
      if (groups === undefined) {
        groups = new Map();
        this.tenants.set(tenant, groups);
      }
      const before = groups.get(key);
      if (before?.updatedMs === held.updatedMs && before.text === held.text) return;
      groups.set(key, held);
    }
    if (this.ready) this.changed(tenant);
  }

  private changed(tenant: string): void {
    if (this.pending.has(tenant)) return;
    this.pending.set(
      tenant,
      setTimeout(() => {
        this.pending.delete(tenant);
        this.onChange(tenant);
      }, SETTLE_MS),
    );
  }
}

/** The KV key of a group: the tenant, then namespace and name in base64url (any text is allowed). */
export function groupKey(tenant: string, namespace: string, name: string): string {
  return `${tenant}.${b64(namespace)}.${b64(name)}`;
}

function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function decode(key: string, value: Uint8Array): Held | null {
  try {
    const g = JSON.parse(new TextDecoder().decode(value)) as StoredGroup;
    const tenant = key.slice(0, key.indexOf("."));
    // Only the API writes here; a key written by hand must still name a tenant Outpost accepts.
    if (!TENANT_NAME.test(tenant) || typeof g.text !== "string") return null;
    if (groupKey(tenant, g.namespace, g.name) !== key) return null;
    return { ...g, parsed: parseRuleGroup(g.text, g.namespace) };
  } catch {
    return null;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
