/**
 * The silences every aggregator shares. They live in a KV bucket, one key per id; each store
 * keeps the whole set in memory, kept current by a watch on the bucket, so reads and
 * `isSilenced()` never wait on NATS. Writes follow Alertmanager's rules: an update that cannot
 * be made in place expires the old silence and creates a new id; expiring sets the end to now;
 * silences that ended longer ago than the retention are deleted.
 */

import { logger } from "../../../shared/log/log.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../../ingest/kv.ts";
import { decodeSilence, encodeSilence } from "./codec.ts";
import { SilenceIndex } from "./index.ts";
import {
  canUpdateInPlace,
  type Silence,
  SilenceError,
  silenceState,
  validateSilence,
} from "./silence.ts";

const log = logger("silences");

/** The bucket silences live in. */
export const SILENCES_BUCKET = "OUTPOST_SILENCES";
/** How long an expired silence is kept: Alertmanager's `--data.retention` default, 120h. */
export const DEFAULT_RETENTION_MS = 120 * 3_600_000;
/** How often expired silences past the retention are deleted (Alertmanager's maintenance interval). */
export const DEFAULT_GC_INTERVAL_MS = 15 * 60_000;

/** A silence to create (no id) or update (with an id). */
export type SilenceInput = Omit<Silence, "id" | "updatedAt"> & { readonly id?: string };

/** Options of {@link SilenceStore}. */
export interface SilenceStoreOptions {
  /** The shared bucket (NATS KV, or the in-memory seam in tests). */
  kv: KeyValueStore;
  /** The clock, in milliseconds. */
  now?: () => number;
  retentionMs?: number;
  gcIntervalMs?: number;
  /** Where `outpost_notify_silences{state}` and the undecodable count are exposed. */
  registry?: Registry;
  /** Makes new ids (random UUIDs). */
  newId?: () => string;
}

/** The shared silences of one aggregator. */
export class SilenceStore {
  private readonly silences = new Map<string, Silence>();
  private index: SilenceIndex | null = null;
  private stopWatch: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly undecodable: Metric | undefined;
  readonly now: () => number;

  constructor(private readonly opts: SilenceStoreOptions) {
    this.now = opts.now ?? Date.now;
    const r = opts.registry;
    this.undecodable = r?.counter(
      "outpost_notify_silences_undecodable_total",
      "Values in the silences bucket that could not be read as a silence, and were ignored.",
    );
    const gauge = r?.gauge("outpost_notify_silences", "Silences by state.", ["state"]);
    gauge?.onCollect(() => {
      const counts = { active: 0, pending: 0, expired: 0 };
      for (const s of this.silences.values()) counts[silenceState(s, this.now())]++;
      for (const [state, n] of Object.entries(counts)) gauge.labels({ state }).set(n);
    });
  }

  /** Loads the bucket and follows it; resolves once every stored silence is known. */
  async start(signal?: AbortSignal): Promise<void> {
    let ready!: () => void;
    const loaded = new Promise<void>((resolve) => {
      ready = resolve;
    });
    this.stopWatch = await this.opts.kv.watch({
      change: (c) => this.apply(c.key, c.value),
      ready: () => ready(),
    });
    const aborted = new Promise<void>((_, reject) =>
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true }),
    );
    await Promise.race([loaded, aborted]);
    this.timer = setInterval(() => {
      this.gc().catch((err) => log.warn("Cannot delete old silences", { error: String(err) }));
    }, this.opts.gcIntervalMs ?? DEFAULT_GC_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Stops following the bucket and the garbage collection. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Every known silence, in no particular order. */
  list(): Silence[] {
    return [...this.silences.values()];
  }

  /** The silence with this id, if known. */
  get(id: string): Silence | undefined {
    return this.silences.get(id);
  }

  /** The ids of the silences active now (or at `now`) that match the labels, sorted. */
  isSilenced(labels: Readonly<Record<string, string>>, now = this.now()): string[] {
    this.index ??= new SilenceIndex(this.silences.values(), now);
    return this.index.silencedBy(labels, now);
  }

  /**
   * Creates or updates a silence and returns its id, which is new unless the update could be
   * made in place. Throws a SilenceError: `not_found` for an unknown id, `invalid` otherwise.
   */
  async set(input: SilenceInput): Promise<string> {
    const now = this.now();
    const prev = input.id ? this.silences.get(input.id) : undefined;
    if (input.id && prev === undefined) throw new SilenceError("not_found", "silence not found");
    const next: Silence = { ...input, id: input.id || "pending-id", updatedAt: now };
    validateSilence(next);
    if (prev !== undefined && canUpdateInPlace(prev, next, now)) {
      await this.write({ ...next, id: prev.id });
      return prev.id;
    }
    if (prev !== undefined && silenceState(prev, now) !== "expired") await this.expire(prev.id);
    const id = this.opts.newId ? this.opts.newId() : crypto.randomUUID();
    await this.write({ ...next, id, startsAt: Math.max(next.startsAt, now) });
    return id;
  }

  /**
   * Ends a silence now: an active one ends, a pending one starts and ends now; an expired one
   * is left as it is. Throws a `not_found` SilenceError for an unknown id.
   */
  async expire(id: string): Promise<void> {
    const s = this.silences.get(id);
    if (s === undefined) throw new SilenceError("not_found", "silence not found");
    const now = this.now();
    const state = silenceState(s, now);
    if (state === "expired") return;
    const startsAt = state === "pending" ? now : s.startsAt;
    await this.write({ ...s, startsAt, endsAt: now, updatedAt: now });
  }

  /** Deletes the silences that ended more than the retention ago; returns how many. */
  async gc(now = this.now()): Promise<number> {
    const retention = this.opts.retentionMs ?? DEFAULT_RETENTION_MS;
    const old = this.list().filter((s) => s.endsAt + retention < now);
    for (const s of old) {
      await this.opts.kv.delete(s.id);
      this.apply(s.id, null);
    }
    return old.length;
  }

  private async write(s: Silence): Promise<void> {
    const bytes = encodeSilence(s);
    await this.opts.kv.put(s.id, bytes);
    // The watch brings it too; applying it now lets the caller read what it wrote.
    this.apply(s.id, bytes);
  }

  private apply(key: string, value: Uint8Array | null): void {
    this.index = null;
    if (value === null) {
      this.silences.delete(key);
      return;
    }
    try {
      const s = decodeSilence(value);
      // The watch can bring back a value this store has already replaced by its own write.
      const known = this.silences.get(key);
      if (known === undefined || s.updatedAt >= known.updatedAt) this.silences.set(key, s);
    } catch (error) {
      this.undecodable?.inc();
      log.warn("Cannot read a stored silence; ignoring it", { key, error: String(error) });
    }
  }
}
