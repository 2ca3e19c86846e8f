/**
 * Rule groups uploaded through the ruler API, shared by every aggregator through one NATS KV
 * bucket (one key per tenant, namespace and group), mirrored in memory (ingest/kv_mirror.ts).
 * Each tenant's namespaces become rule files of its evaluator (`files()`), and a change
 * anywhere tells the tenant's owner (`onChange`) so that its rules reload, on every
 * aggregator, within the watch's delay.
 */
import type { Registry } from "../../shared/metrics/registry.ts";
import { TENANT_NAME } from "../auth/tenants.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import { KvMirror } from "../ingest/kv_mirror.ts";
import type { GeneratedFile } from "../rules/eval/component.ts";
import { parseRuleGroup, type RuleFileResult } from "../rules/file.ts";

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
  private readonly mirror: KvMirror<Held>;
  /** tenant → key → group: the mirror's entries by tenant. */
  private readonly tenants = new Map<string, Map<string, Held>>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    kv: KeyValueStore,
    /** Called once a tenant's groups changed (after the first load: see `tenantsWithGroups`). */
    private readonly onChange: (tenant: string) => void,
    registry: Registry,
  ) {
    this.mirror = new KvMirror<Held>(kv, RULER_BUCKET, {
      decode,
      encode: ({ namespace, name, text, updatedMs }) =>
        new TextEncoder().encode(JSON.stringify({ namespace, name, text, updatedMs })),
      component: "ruler",
      undecodable: registry.counter(
        "outpost_ruler_undecodable_total",
        "Values in the ruler's bucket that could not be read as a rule group, and were ignored.",
      ),
      index: (key, before, after) => this.index(key, before, after),
    });
  }

  /** Loads the bucket and follows it; resolves once every stored group is known. */
  start(): Promise<void> {
    return this.mirror.start();
  }

  /** Stops following the bucket. */
  stop(): void {
    this.mirror.stop();
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
    return this.mirror.entries.get(groupKey(tenant, namespace, name));
  }

  /** How many groups a tenant has. */
  count(tenant: string): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }

  /** Stores (or replaces) a group; in this aggregator's view at once, in others' via the watch. */
  async put(tenant: string, group: StoredGroup): Promise<void> {
    const { namespace, name, text, updatedMs } = group;
    const parsed = parseRuleGroup(text, namespace);
    await this.mirror.put(groupKey(tenant, namespace, name), {
      namespace,
      name,
      text,
      updatedMs,
      parsed,
    });
  }

  /** Deletes groups; false when there was none of them. */
  async delete(tenant: string, groups: readonly StoredGroup[]): Promise<boolean> {
    for (const g of groups) await this.mirror.delete(groupKey(tenant, g.namespace, g.name));
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

  /** A group set or gone in the mirror: filed under its tenant, whose owner is told. */
  private index(key: string, before: Held | undefined, after: Held | undefined): void {
    const tenant = key.slice(0, key.indexOf("."));
    let groups = this.tenants.get(tenant);
    if (after === undefined) groups?.delete(key);
    else {
      if (groups === undefined) {
        groups = new Map();
        this.tenants.set(tenant, groups);
      }
      groups.set(key, after);
    }
    // The same group again (a watch read from the start after its stream was lost) changes nothing.
    const same = before?.updatedMs === after?.updatedMs && before?.text === after?.text;
    if (this.mirror.isLoaded && !same) this.changed(tenant);
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

/** A stored group; throws where the value is not one, or not the group its key names. */
function decode(value: Uint8Array, key: string): Held {
  const g = JSON.parse(new TextDecoder().decode(value)) as StoredGroup;
  const tenant = key.slice(0, key.indexOf("."));
  // Only the API writes here; a key written by hand must still name a tenant Outpost accepts.
  if (!TENANT_NAME.test(tenant)) throw new Error(`not a tenant's name: ${tenant.slice(0, 64)}`);
  if (typeof g.text !== "string") throw new Error("no rule group text");
  if (groupKey(tenant, g.namespace, g.name) !== key) throw new Error("not the group its key names");
  return { ...g, parsed: parseRuleGroup(g.text, g.namespace) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
