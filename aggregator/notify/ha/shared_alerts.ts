/**
 * The notifier's alerts shared through a key-value bucket (NATS KV in production): every
 * aggregator writes the alerts it receives, merged as Alertmanager merges re-sent alerts, and
 * keeps a copy of the whole bucket in its own `AlertStore`, fed by a watch. So whichever
 * aggregator dispatches sees every alert, and `GET /api/v2/alerts` answers the same anywhere.
 */
import { logger } from "../../../shared/log/log.ts";
import type { KeyValueStore, KvChange } from "../../ingest/kv.ts";
import { type AlertStore, isResolved, type StoredAlert } from "../alerts.ts";

const log = logger("notify");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bucket the alerts live in. */
export const ALERTS_BUCKET = "OUTPOST_ALERTS";

/** The key of an alert: the tenant, a dot, the fingerprint. */
export const alertKey = (tenant: string, fp: string) => `${tenant}.${fp}`;

/** Counts what could not be read or written, by operation. */
export type KvErrorCount = (op: "read" | "write" | "delete") => void;

/** The shared alerts of one tenant, mirrored into a local store. */
export class SharedAlerts {
  private stopWatch: (() => void) | null = null;
  /** Fingerprints whose last write failed; written again by `retry()`. */
  private readonly unsynced = new Set<string>();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly store: AlertStore,
    private readonly tenant: string,
    private readonly onError: KvErrorCount = () => {},
  ) {}

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

  /** Writes alerts as the local store now holds them (already merged there). */
  async write(alerts: readonly StoredAlert[]): Promise<void> {
    await Promise.all(
      alerts.map(async (a) => {
        const current = this.store.get(a.fingerprint) ?? a;
        try {
          await this.kv.put(
            alertKey(this.tenant, a.fingerprint),
            encoder.encode(JSON.stringify(current)),
          );
          this.unsynced.delete(a.fingerprint);
        } catch (err) {
          if (this.unsynced.size === 0) {
            log.warn("Cannot share an alert in NATS KV: retrying", { error: String(err) });
          }
          this.unsynced.add(a.fingerprint);
          this.onError("write");
        }
      }),
    );
  }

  /** Writes again the alerts whose last write failed. */
  async retry(): Promise<void> {
    const alerts = [...this.unsynced].flatMap((fp) => this.store.get(fp) ?? []);
    if (alerts.length > 0) await this.write(alerts);
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
        this.store.delete(a.fingerprint);
        n++;
      } catch {
        this.onError("delete");
      }
    }
    return n;
  }

  /** One change of the bucket into the local store: the newest `updatedAt` wins. */
  private apply(c: KvChange, skip: number): void {
    const fp = c.key.slice(skip);
    if (c.value === null) {
      this.store.delete(fp);
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
    // The echo of an older write of this aggregator, overtaken locally since.
    if (local !== undefined && local.updatedAt > alert.updatedAt) return;
    this.store.replace(alert);
  }
}
