/**
 * The notification log in a key-value bucket (NATS KV in production), shared by the
 * aggregators: the one that dispatches after a takeover reads what its predecessor sent, so
 * it neither sends it again nor misses what was still to send. One key per integration and
 * group, named by a hash because group keys hold characters NATS keys may not.
 *
 * One speed-only path, off with `reference`: while this aggregator holds the notifier lease
 * (`hold()` … `release()`) it is the log's only writer, so it watches the bucket (the tenant's
 * entries loaded first) and answers from memory, as Alertmanager keeps its log, instead of a
 * round trip to NATS at every flush of every group. A new holding loads the bucket again.
 */
import { createHash } from "node:crypto";
import type { KeyValueStore } from "../../ingest/kv.ts";
import type { NotificationEntry, NotificationLog } from "../nflog.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bucket the notification log lives in. */
export const NFLOG_BUCKET = "OUTPOST_NFLOG";

/** An entry as stored: what it is about, and when it may be forgotten. */
interface StoredEntry extends NotificationEntry {
  readonly integration: string;
  readonly groupKey: string;
  /** Unix ms after which the entry is forgotten. */
  readonly expires: number;
}

/** The key of an integration's entry for a group: `<tenant>.<sha256 hex>`. */
export function nflogKey(tenant: string, integration: string, groupKey: string): string {
  const hash = createHash("sha256").update(entryId(integration, groupKey)).digest("hex");
  return `${tenant}.${hash}`;
}

/** What an entry is about, as one string: the id the holder keeps it by, and its key's hash input. */
const entryId = (integration: string, groupKey: string) => `${integration}\xff${groupKey}`;

/** Options of {@link KvNotificationLog}. */
export interface KvNotificationLogOptions {
  /** Read every entry from the store, held or not: the simple reference the remembering is held to. */
  readonly reference?: boolean;
  /** How long taking the lease waits for the bucket's entries (LOAD_TIMEOUT). */
  readonly loadTimeoutMs?: number;
}

/** How long taking the lease waits for the bucket's entries before reading them one by one. */
const LOAD_TIMEOUT = 5_000;

/** What a holder of the lease knows of the log. */
interface Held {
  /** Entries as last seen in the bucket, read or written here, by `entryId()` (null: none). */
  readonly entries: Map<string, StoredEntry | null>;
  /** The ids of the bucket's keys seen through the watch, for its deletions. */
  readonly ids: Map<string, string>;
  /** Every entry of the tenant was loaded: one not in `entries` is not in the store either. */
  complete: boolean;
  /** Written without knowing whether it landed: read from the store again. */
  readonly unsure: Set<string>;
  /** Writes begun per id, so that a read begun before one does not replace what it wrote. */
  readonly writes: Map<string, number>;
  stop: () => void;
}

/** A {@link NotificationLog} on a key-value store. */
export class KvNotificationLog implements NotificationLog {
  private held: Held | null = null;
  private readonly reference: boolean;
  private readonly loadTimeoutMs: number;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly tenant: string,
    private readonly now: () => number = Date.now,
    options: KvNotificationLogOptions = {},
  ) {
    this.reference = options.reference ?? false;
    this.loadTimeoutMs = options.loadTimeoutMs ?? LOAD_TIMEOUT;
  }

  /**
   * This aggregator is now the only writer (it took the notifier lease): watches the bucket,
   * the tenant's entries loaded first, and answers from memory until `release()`. The watch
   * stays on meanwhile, so a write the previous holder finished late still arrives (of two
   * values of an entry the newer `timestamp` wins, as Alertmanager merges its log). Entries
   * the load did not bring (it failed, or took over the timeout) are read when first asked for.
   */
  async hold(): Promise<void> {
    if (this.reference) return;
    this.release();
    const held: Held = {
      entries: new Map(),
      ids: new Map(),
      complete: false,
      unsure: new Set(),
      writes: new Map(),
      stop: () => {},
    };
    this.held = held;
    held.complete = await this.load(held).catch(() => false);
  }

  /** Another aggregator may write from now on: read the store again. */
  release(): void {
    this.held?.stop();
    this.held = null;
  }

  /** The entry, unless it expired. Throws when the store cannot be read. */
  async get(integration: string, groupKey: string): Promise<NotificationEntry | undefined> {
    const e = await this.entry(integration, groupKey);
    if (e === undefined || e.expires <= this.now()) return undefined;
    return { firing: e.firing, resolved: e.resolved, timestamp: e.timestamp };
  }

  private async entry(integration: string, groupKey: string): Promise<StoredEntry | undefined> {
    const id = entryId(integration, groupKey);
    const held = this.held;
    if (held !== null && !held.unsure.has(id)) {
      const known = held.entries.get(id);
      if (known !== undefined) return known ?? undefined;
      if (held.complete) return undefined;
    }
    const writes = held?.writes.get(id) ?? 0;
    let e = await this.read(nflogKey(this.tenant, integration, groupKey));
    // A hash collision would show another group's entry: checked, however unlikely.
    if (e !== undefined && (e.integration !== integration || e.groupKey !== groupKey))
      e = undefined;
    // Not over a write begun while this read was on its way, nor into a later holding.
    if (held !== null && held === this.held && (held.writes.get(id) ?? 0) === writes) {
      held.unsure.delete(id);
      held.entries.set(id, e ?? null);
    }
    return e;
  }

  /**
   * Watches the bucket into `held` until released; true once the tenant's entries came in
   * time (the watch's `ready()`). The timeout covers the watch's start too.
   */
  private async load(held: Held): Promise<boolean> {
    const prefix = `${this.tenant}.`;
    let loaded!: () => void;
    const ready = new Promise<boolean>((resolve) => {
      loaded = () => resolve(true);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.loadTimeoutMs);
    });
    const watching = this.kv.watch({
      change: (c) => {
        if (this.held === held && c.key.startsWith(prefix)) this.seen(held, c.key, c.value);
      },
      ready: () => loaded(),
    });
    try {
      const stop = await Promise.race([watching, timeout]);
      if (stop === false || this.held !== held) {
        // Too late, or released meanwhile: no watch left behind.
        watching.then(
          (late) => late(),
          () => {},
        );
        return false;
      }
      held.stop = stop;
      return await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A value (or a deletion, `value` null) of the bucket's `key`, seen by the holder's watch. */
  private seen(held: Held, key: string, value: Uint8Array | null): void {
    if (value === null) {
      const id = held.ids.get(key);
      held.ids.delete(key);
      // Once loaded, an entry not known is none: forgotten rather than kept as a null.
      if (id !== undefined && held.complete) held.entries.delete(id);
      else if (id !== undefined) held.entries.set(id, null);
      return;
    }
    const e = parseEntry(value);
    // Only an entry under its own key: the reads' collision check.
    if (e === undefined || key !== nflogKey(this.tenant, e.integration, e.groupKey)) return;
    const id = entryId(e.integration, e.groupKey);
    held.ids.set(key, id);
    const known = held.entries.get(id);
    if (!known || e.timestamp >= known.timestamp) held.entries.set(id, e);
  }

  /** Replaces the entry. */
  async log(
    integration: string,
    groupKey: string,
    entry: NotificationEntry,
    retention: number,
  ): Promise<void> {
    const stored: StoredEntry = {
      integration,
      groupKey,
      firing: entry.firing,
      resolved: entry.resolved,
      timestamp: entry.timestamp,
      expires: entry.timestamp + retention,
    };
    const key = nflogKey(this.tenant, integration, groupKey);
    const id = entryId(integration, groupKey);
    const held = this.held;
    held?.writes.set(id, (held.writes.get(id) ?? 0) + 1);
    try {
      await this.kv.put(key, encoder.encode(JSON.stringify(stored)));
      if (held === this.held) {
        held?.entries.set(id, stored);
        held?.unsure.delete(id);
      }
    } catch (err) {
      // Whether it landed is unknown: the next read asks the store.
      this.held?.unsure.add(id);
      throw err;
    }
  }

  /** Deletes this tenant's expired entries (the dispatching aggregator's chore); returns how many. */
  async collect(): Promise<number> {
    const prefix = `${this.tenant}.`;
    let n = 0;
    for (const key of await this.kv.keys()) {
      if (!key.startsWith(prefix)) continue;
      const stored = await this.kv.entry(key);
      if (stored === null) continue;
      const e = parseEntry(stored.value);
      if (e !== undefined && e.expires > this.now()) continue;
      // Only the value judged: a flush that logged this group meanwhile (here, or on the
      // holder that took over) keeps its entry, which a plain delete landing after it removed,
      // and the next flush sent again.
      if (!(await this.kv.deleteAt(key, stored.revision))) continue;
      const id = e && entryId(e.integration, e.groupKey);
      // Once loaded, an entry not known is none: forgotten rather than kept as a null.
      if (id && this.held?.complete) this.held.entries.delete(id);
      else if (id) this.held?.entries.set(id, null);
      n++;
    }
    return n;
  }

  /** The stored entry; undefined when missing or unreadable (an unreadable one is replaced). */
  private async read(key: string): Promise<StoredEntry | undefined> {
    const value = await this.kv.get(key);
    return value === null ? undefined : parseEntry(value);
  }
}

/** A stored entry's bytes read back; undefined when unreadable. */
function parseEntry(value: Uint8Array): StoredEntry | undefined {
  try {
    return JSON.parse(decoder.decode(value)) as StoredEntry;
  } catch {
    return undefined;
  }
}
