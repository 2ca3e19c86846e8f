/**
 * The notifier's alerts shared through a key-value bucket (NATS KV in production): every
 * aggregator writes the alerts it receives, merged as Alertmanager merges re-sent alerts, and
 * keeps a copy of the whole bucket in its own `AlertStore`, fed by a watch. So whichever
 * aggregator dispatches sees every alert, and `GET /api/v2/alerts` answers the same anywhere.
 * A re-send that only extends `endsAt` is written later (refresh.ts), unless `reference`.
 */
import { logger } from "../../../shared/log/log.ts";
import type { KeyValueStore, KvChange } from "../../ingest/kv.ts";
import { type AlertStore, isResolved, type StoredAlert } from "../alerts.ts";
import { mustWrite, refreshAt, sameContent } from "./refresh.ts";

const log = logger("notify");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bucket the alerts live in. */
export const ALERTS_BUCKET = "OUTPOST_ALERTS";

/** The key of an alert: the tenant, a dot, the fingerprint. */
export const alertKey = (tenant: string, fp: string) => `${tenant}.${fp}`;

/** Counts what could not be read or written, by operation. */
export type KvErrorCount = (op: "read" | "write" | "delete") => void;

/** Options of {@link SharedAlerts}. */
export interface SharedAlertsOptions {
  /** Counts what could not be read or written. */
  readonly onError?: KvErrorCount;
  /** Write every received alert at once: the simple reference the deferred writes are tested against. */
  readonly reference?: boolean;
  /** The clock, Unix ms. */
  readonly now?: () => number;
}

/** The shared alerts of one tenant, mirrored into a local store. */
export class SharedAlerts {
  private stopWatch: (() => void) | null = null;
  /** Fingerprints whose last write failed; written again by `retry()`. */
  private readonly unsynced = new Set<string>();
  /** What the bucket holds, as far as this aggregator knows: its last write or the watch's. */
  private readonly shared = new Map<string, StoredAlert>();
  /** Fingerprints whose local `endsAt` extends the shared one, not written yet: when to write them. */
  private readonly pending = new Map<string, number>();
  private readonly onError: KvErrorCount;
  private readonly reference: boolean;
  private readonly now: () => number;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly store: AlertStore,
    private readonly tenant: string,
    options: SharedAlertsOptions = {},
  ) {
    this.onError = options.onError ?? (() => {});
    this.reference = options.reference ?? false;
    this.now = options.now ?? Date.now;
  }

  /**
   * Writes the alerts already in the local store (received before NATS was there), then
   * watches the bucket; resolves once the local store holds everything the bucket holds.
   */
  async start(): Promise<void> {
    await this.write(this.store.list());
    const prefix = `${this.tenant}.`;
    let ready!: () => void;
    const done = new Promise<void>((r) => {
      ready = r;
    });
    this.stopWatch = await this.kv.watch({
      change: (c) => {
        if (c.key.startsWith(prefix)) this.apply(c, prefix.length);
      },
      ready: () => ready(),
    });
    await done;
  }

  /** Stops the watch. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }

  /**
   * Shares received alerts as the local store now holds them (already merged there): each is
   * written unless it only extends the shared `endsAt` far enough ahead (then it waits for
   * `refresh()`).
   */
  async write(alerts: readonly StoredAlert[]): Promise<void> {
    const now = this.now();
    const due: StoredAlert[] = [];
    for (const a of alerts) {
      const current = this.store.get(a.fingerprint) ?? a;
      const shared = this.shared.get(a.fingerprint);
      if (this.reference || shared === undefined || mustWrite(shared, current, now)) {
        due.push(current);
      } else {
        this.pending.set(a.fingerprint, refreshAt(shared, current));
      }
    }
    await this.put(due);
  }

  /** Writes the waiting extensions whose shared copy would now lapse too soon. */
  async refresh(): Promise<void> {
    const now = this.now();
    const due: StoredAlert[] = [];
    for (const [fp, at] of this.pending) {
      if (at > now) continue;
      const local = this.store.get(fp);
      if (local === undefined) this.pending.delete(fp);
      else due.push(local);
    }
    await this.put(due);
  }

  private async put(alerts: readonly StoredAlert[]): Promise<void> {
    await Promise.all(
      alerts.map(async (current) => {
        const fp = current.fingerprint;
        this.pending.delete(fp);
        // Before the write: a later value of another aggregator's may come back first.
        this.shared.set(fp, current);
        try {
          await this.kv.put(alertKey(this.tenant, fp), encoder.encode(JSON.stringify(current)));
          this.unsynced.delete(fp);
        } catch (err) {
          if (this.unsynced.size === 0) {
            log.warn("Cannot share an alert in NATS KV: retrying", { error: String(err) });
          }
          this.unsynced.add(fp);
          this.onError("write");
        }
      }),
    );
  }

  /** Writes again the alerts whose last write failed. */
  async retry(): Promise<void> {
    const alerts = [...this.unsynced].flatMap((fp) => this.store.get(fp) ?? []);
    if (alerts.length > 0) await this.put(alerts);
  }

  /**
   * Deletes from the bucket the alerts resolved at `now` (the dispatching aggregator's
   * collection; the others forget them through the watch); returns how many.
   */
  async collect(now: number): Promise<number> {
    let n = 0;
    for (const a of this.store.list()) {
      if (!isResolved(a, now)) continue;
      try {
        await this.kv.delete(alertKey(this.tenant, a.fingerprint));
        this.forget(a.fingerprint);
        n++;
      } catch {
        this.onError("delete");
      }
    }
    return n;
  }

  private forget(fp: string): void {
    this.store.delete(fp);
    this.shared.delete(fp);
    this.pending.delete(fp);
  }

  /**
   * One change of the bucket into the local store: the newest `updatedAt` wins, and a value
   * equal to the local one (this aggregator's own write coming back) changes nothing.
   */
  private apply(c: KvChange, skip: number): void {
    const fp = c.key.slice(skip);
    if (c.value === null) {
      this.forget(fp);
      return;
    }
    let alert: StoredAlert;
    try {
      alert = JSON.parse(decoder.decode(c.value)) as StoredAlert;
    } catch {
      this.onError("read");
      return;
    }
    const local = this.store.get(fp);
    if (local !== undefined && isEcho(local, alert)) {
      this.shared.set(fp, local);
      this.pending.delete(fp);
      return;
    }
    this.shared.set(fp, alert);
    // The echo of an older write of this aggregator, overtaken locally since.
    if (local !== undefined && local.updatedAt > alert.updatedAt) {
      if (this.pending.has(fp)) this.pending.set(fp, refreshAt(alert, local));
      return;
    }
    this.pending.delete(fp);
    this.store.replace(alert);
  }
}

/** Whether a value read from the bucket is the one held locally (this aggregator's own write). */
function isEcho(local: StoredAlert, read: StoredAlert): boolean {
  return (
    local.updatedAt === read.updatedAt && local.endsAt === read.endsAt && sameContent(local, read)
  );
}
