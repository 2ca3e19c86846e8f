/**
 * The notification log in a key-value bucket (NATS KV in production), shared by the
 * aggregators: the one that dispatches after a takeover reads what its predecessor sent, so
 * it neither sends it again nor misses what was still to send. One key per integration and
 * group, named by a hash because group keys hold characters NATS keys may not.
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
  const hash = createHash("sha256").update(`${integration}\xff${groupKey}`).digest("hex");
  return `${tenant}.${hash}`;
}

/** A {@link NotificationLog} on a key-value store. */
export class KvNotificationLog implements NotificationLog {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly tenant: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The entry, unless it expired. Throws when the store cannot be read. */
  async get(integration: string, groupKey: string): Promise<NotificationEntry | undefined> {
    const e = await this.read(nflogKey(this.tenant, integration, groupKey));
    // A hash collision would show another group's entry: checked, however unlikely.
    if (e === undefined || e.integration !== integration || e.groupKey !== groupKey) return;
    if (e.expires <= this.now()) return undefined;
    return { firing: e.firing, resolved: e.resolved, timestamp: e.timestamp };
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
    await this.kv.put(key, encoder.encode(JSON.stringify(stored)));
  }

  /** Deletes this tenant's expired entries (the dispatching aggregator's chore); returns how many. */
  async collect(): Promise<number> {
    const prefix = `${this.tenant}.`;
    let n = 0;
    for (const key of await this.kv.keys()) {
      if (!key.startsWith(prefix)) continue;
      const e = await this.read(key);
      if (e !== undefined && e.expires > this.now()) continue;
      await this.kv.delete(key);
      n++;
    }
    return n;
  }

  /** The stored entry; undefined when missing or unreadable (an unreadable one is replaced). */
  private async read(key: string): Promise<StoredEntry | undefined> {
    const value = await this.kv.get(key);
    if (value === null) return undefined;
    try {
      return JSON.parse(decoder.decode(value)) as StoredEntry;
    } catch {
      return undefined;
    }
  }
}
