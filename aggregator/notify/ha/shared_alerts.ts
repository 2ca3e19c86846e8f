/**
 * The notifier's alerts shared through a key-value bucket (NATS KV in production): every
 * aggregator writes the alerts it receives, merged as Alertmanager merges re-sent alerts, and
 * keeps a copy of the whole bucket in its own `AlertStore`, fed by a watch. So whichever
 * aggregator dispatches sees every alert, and `GET /api/v2/alerts` answers the same anywhere.
 *
 * Two speed-only paths, both off with `reference` (every alert put, each acknowledgement
 * awaited): a re-send that only extends `endsAt` is written later (refresh.ts), and writes are
 * published without waiting for NATS's acknowledgement, confirmed by their echo in the watch.
 */
import { sameBytes } from "../../../shared/codec/bytes.ts";
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
  /**
   * Called when a write starts to wait for `retry()` or `refresh()` (see `waiting`), so that
   * their timer runs only while something waits.
   */
  readonly onWaiting?: () => void;
}

/** A write sent without waiting is written again when the watch has not brought it back by then. */
export const CONFIRM_TIMEOUT = 10_000;

/** A write not known to have landed, and when to write again (0: at the next retry). */
interface Unsynced {
  readonly alert: StoredAlert;
  readonly due: number;
  /** What was sent, when sent without waiting: the watch's copy is compared with it. */
  readonly bytes?: Uint8Array;
}

const encode = (a: StoredAlert) => encoder.encode(JSON.stringify(a));

/** The shared alerts of one tenant, mirrored into a local store. */
export class SharedAlerts {
  private stopWatch: (() => void) | null = null;
  /** Writes not known to have landed: failed (`due` 0) or not back through the watch yet. */
  private readonly unsynced = new Map<string, Unsynced>();
  /** A failure was logged and some write has not landed since: do not log every one. */
  private warned = false;
  /** What the bucket holds, as far as this aggregator knows: its last write or the watch's. */
  private readonly shared = new Map<string, StoredAlert>();
  /** The revision of each alert's value in the bucket as the watch last brought it. */
  private readonly revisions = new Map<string, number>();
  /** Fingerprints whose local `endsAt` extends the shared one, not written yet: when to write them. */
  private readonly pending = new Map<string, number>();
  private readonly onError: KvErrorCount;
  private readonly reference: boolean;
  private readonly now: () => number;
  private readonly onWaiting: () => void;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly store: AlertStore,
    private readonly tenant: string,
    options: SharedAlertsOptions = {},
  ) {
    this.onError = options.onError ?? (() => {});
    this.reference = options.reference ?? false;
    this.now = options.now ?? Date.now;
    this.onWaiting = options.onWaiting ?? (() => {});
  }

  /** Whether a write waits for `retry()` (not landed) or `refresh()` (an extension held back). */
  get waiting(): boolean {
    return this.unsynced.size > 0 || this.pending.size > 0;
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
      reset: () => this.revisions.clear(),
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
    const held = this.pending.size;
    for (const a of alerts) {
      const current = this.store.get(a.fingerprint) ?? a;
      const shared = this.shared.get(a.fingerprint);
      if (this.reference || shared === undefined || mustWrite(shared, current, now)) {
        due.push(current);
      } else {
        this.pending.set(a.fingerprint, refreshAt(shared, current));
      }
    }
    if (this.pending.size > held) this.onWaiting();
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
    const now = this.now();
    for (const a of alerts) {
      this.pending.delete(a.fingerprint);
      // Before the write: a later value of another aggregator's may come back first.
      this.shared.set(a.fingerprint, a);
    }
    const writes = alerts.map((a) => (this.reference ? this.putAcked(a) : this.send(a, now)));
    // Sent without waiting, each waits for its echo: once for the lot, not once an alert.
    if (!this.reference && alerts.length > 0) this.onWaiting();
    await Promise.all(writes);
  }

  /** The reference write: waits for the server's acknowledgement. */
  private async putAcked(a: StoredAlert): Promise<void> {
    try {
      await this.kv.put(alertKey(this.tenant, a.fingerprint), encode(a));
      this.unsynced.delete(a.fingerprint);
    } catch (err) {
      this.failed(a, 0, err);
    }
  }

  /** Sent without waiting: unsynced until the watch brings it back (`apply`). */
  private async send(a: StoredAlert, now: number): Promise<void> {
    const bytes = encode(a);
    this.unsynced.set(a.fingerprint, { alert: a, due: now + CONFIRM_TIMEOUT, bytes });
    try {
      await this.kv.publish(alertKey(this.tenant, a.fingerprint), bytes);
    } catch (err) {
      this.failed(a, 0, err);
    }
  }

  private failed(a: StoredAlert, due: number, err: unknown): void {
    if (!this.warned)
      log.warn("Cannot share an alert in NATS KV: retrying", { error: String(err) });
    this.warned = true;
    this.unsynced.set(a.fingerprint, { alert: a, due });
    this.onWaiting();
    this.onError("write");
  }

  /** Writes again the alerts whose last write failed, or did not come back through the watch. */
  async retry(): Promise<void> {
    const now = this.now();
    const again: StoredAlert[] = [];
    let lost = 0;
    for (const [fp, u] of this.unsynced) {
      if (u.due > now) continue;
      if (u.due !== 0) lost++;
      const current = this.store.get(fp);
      if (current === undefined) this.unsynced.delete(fp);
      else again.push(current);
    }
    if (lost > 0 && !this.warned) {
      log.warn("Cannot see alerts shared in NATS KV come back: writing them again", { lost });
    }
    for (let i = 0; i < lost; i++) this.onError("write");
    // Quiet until every write has landed again.
    this.warned = this.unsynced.size > 0 && (this.warned || lost > 0);
    if (again.length > 0) await this.put(again);
  }

  /**
   * Deletes from the bucket the alerts resolved at `now` (the dispatching aggregator's
   * collection; the others forget them through the watch); returns how many. Each is deleted
   * only over the value the watch last brought: an alert that fired again meanwhile (written
   * by another aggregator, or by this one and not yet back) stays, where a plain delete
   * landing after that write would have wiped a firing alert from every aggregator.
   */
  async collect(now: number): Promise<number> {
    let n = 0;
    for (const a of this.store.list()) {
      if (!isResolved(a, now)) continue;
      const revision = this.revisions.get(a.fingerprint);
      if (revision === undefined || this.unsynced.has(a.fingerprint)) continue; // not settled
      try {
        if (!(await this.kv.deleteAt(alertKey(this.tenant, a.fingerprint), revision))) continue;
        this.forget(a.fingerprint);
        n++;
      } catch {
        this.onError("delete");
      }
    }
    return n;
  }

  private decode(value: Uint8Array): StoredAlert | null {
    try {
      return JSON.parse(decoder.decode(value)) as StoredAlert;
    } catch {
      this.onError("read");
      return null;
    }
  }

  private forget(fp: string): void {
    this.revisions.delete(fp);
    this.store.delete(fp);
    this.shared.delete(fp);
    this.pending.delete(fp);
    this.unsynced.delete(fp);
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
    this.revisions.set(fp, c.revision);
    const sent = this.unsynced.get(fp);
    // This aggregator's own write coming back is known by its bytes, without decoding it.
    const alert = sent?.bytes && sameBytes(sent.bytes, c.value) ? sent.alert : this.decode(c.value);
    if (alert === null) return;
    if (sent !== undefined && isEcho(sent.alert, alert)) this.unsynced.delete(fp);
    const local = this.store.get(fp);
    if (local !== undefined && isEcho(local, alert)) {
      this.shared.set(fp, local);
      this.pending.delete(fp);
      return;
    }
    this.shared.set(fp, alert);
    // The echo of an older write of this aggregator, overtaken locally since.
    if (local !== undefined && local.updatedAt > alert.updatedAt) {
      // Another aggregator's write (a resolve, say) can leave a waiting extension due at once.
      if (!this.pending.has(fp)) return;
      if (mustWrite(alert, local, this.now())) void this.put([local]);
      else {
        this.pending.set(fp, refreshAt(alert, local));
        this.onWaiting();
      }
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
