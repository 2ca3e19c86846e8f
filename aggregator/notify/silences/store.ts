/**
 * The silences every aggregator shares. They live in a KV bucket, one key per id; each store
 * keeps the whole set in memory (ingest/kv_mirror.ts), kept current by a watch on the bucket,
 * so reads and `isSilenced()` never wait on NATS. Writes follow Alertmanager's rules: an update that cannot
 * be made in place expires the old silence and creates a new id; expiring sets the end to now;
 * silences that ended longer ago than the retention are deleted.
 */

import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../../ingest/kv.ts";
import { KvMirror } from "../../ingest/kv_mirror.ts";
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

/** Compare-and-set writes refused in a row before a change gives up. */
const ATTEMPTS = 5;

/** A silence to create (no id) or update (with an id). */
export type SilenceInput = Omit<Silence, "id" | "updatedAt"> & { readonly id?: string };

/** Options of {@link SilenceStore}. */
export interface SilenceStoreOptions {
  /** The shared bucket (NATS KV, or the in-memory seam in tests). */
  kv: KeyValueStore;
  /** Its name, for logs: `SILENCES_BUCKET` when absent (a tenant's has its own). */
  bucket?: string;
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
  private readonly silences: KvMirror<Silence>;
  /** Which silences match what: made again on the first match after any change. */
  private index: SilenceIndex | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  readonly now: () => number;

  constructor(private readonly opts: SilenceStoreOptions) {
    this.now = opts.now ?? Date.now;
    const r = opts.registry;
    this.silences = new KvMirror<Silence>(opts.kv, opts.bucket ?? SILENCES_BUCKET, {
      decode: decodeSilence,
      encode: encodeSilence,
      component: "silences",
      undecodable: r?.counter(
        "outpost_notify_silences_undecodable_total",
        "Values in the silences bucket that could not be read as a silence, and were ignored.",
      ),
      index: () => {
        this.index = null;
      },
    });
    const gauge = r?.gauge("outpost_notify_silences", "Silences by state.", ["state"]);
    gauge?.onCollect(() => {
      const counts = { active: 0, pending: 0, expired: 0 };
      for (const s of this.silences.entries.values()) counts[silenceState(s, this.now())]++;
      for (const [state, n] of Object.entries(counts)) gauge.labels({ state }).set(n);
    });
  }

  /** Loads the bucket and follows it; resolves once every stored silence is known. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.silences.start(signal);
    this.timer = setInterval(() => {
      this.gc().catch((err) => log.warn("Cannot delete old silences", { error: String(err) }));
    }, this.opts.gcIntervalMs ?? DEFAULT_GC_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Stops following the bucket and the garbage collection. */
  stop(): void {
    this.silences.stop();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Every known silence, in no particular order. */
  list(): Silence[] {
    return [...this.silences.entries.values()];
  }

  /** The silence with this id, if known. */
  get(id: string): Silence | undefined {
    return this.silences.entries.get(id);
  }

  /** The ids of the silences active now (or at `now`) that match the labels, sorted. */
  isSilenced(labels: Readonly<Record<string, string>>, now = this.now()): string[] {
    this.index ??= new SilenceIndex(this.silences.entries.values(), now);
    return this.index.silencedBy(labels, now);
  }

  /**
   * Creates or updates a silence and returns its id, which is new unless the update could be
   * made in place. Throws a SilenceError: `not_found` for an unknown id, `invalid` otherwise.
   */
  async set(input: SilenceInput): Promise<string> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await Bun.sleep(10 * attempt); // a refused write: give the other writer a moment
      const now = this.now();
      const prev = input.id ? this.silences.entries.get(input.id) : undefined;
      if (input.id && prev === undefined) throw new SilenceError("not_found", "silence not found");
      const next: Silence = { ...input, id: input.id || "pending-id", updatedAt: now };
      validateSilence(next);
      if (prev !== undefined && canUpdateInPlace(prev, next, now)) {
        if (await this.replace({ ...next, id: prev.id })) return prev.id;
        continue; // changed meanwhile (expired, say): decided again on what it is now
      }
      if (prev !== undefined && silenceState(prev, now) !== "expired") {
        if (!(await this.end(prev, now))) continue;
      }
      const id = this.opts.newId ? this.opts.newId() : crypto.randomUUID();
      await this.create({ ...next, id, startsAt: Math.max(next.startsAt, now) });
      return id;
    }
    throw changing(input.id ?? "");
  }

  /**
   * Ends a silence now: an active one ends, a pending one starts and ends now; an expired one
   * is left as it is. Throws a `not_found` SilenceError for an unknown id.
   */
  async expire(id: string): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await Bun.sleep(10 * attempt);
      const s = this.silences.entries.get(id);
      if (s === undefined) throw new SilenceError("not_found", "silence not found");
      if (await this.end(s, this.now())) return;
    }
    throw changing(id);
  }

  /** Deletes the silences that ended more than the retention ago; returns how many. */
  async gc(now = this.now()): Promise<number> {
    const retention = this.opts.retentionMs ?? DEFAULT_RETENTION_MS;
    let n = 0;
    for (const s of this.list()) {
      if (s.endsAt + retention >= now) continue;
      const revision = this.silences.revision(s.id);
      // Only as last seen: never a silence written again meanwhile.
      if (revision === undefined || !(await this.silences.deleteAt(s.id, revision))) continue;
      n++;
    }
    return n;
  }

  /** Ends `s` at `now` unless it has ended; false when it changed meanwhile (read again). */
  private async end(s: Silence, now: number): Promise<boolean> {
    const state = silenceState(s, now);
    if (state === "expired") return true;
    const startsAt = state === "pending" ? now : s.startsAt;
    return this.replace({ ...s, startsAt, endsAt: now, updatedAt: now });
  }

  /** Writes a new silence (held here at once: the caller reads what it wrote). */
  private async create(s: Silence): Promise<void> {
    await this.silences.put(s.id, s);
  }

  /**
   * Writes a silence over the value this store holds, and only over it: false (the bucket's
   * value read into this store) where another aggregator changed it meanwhile, whose write a
   * plain put landing after would undo — in the bucket, but not in the running stores, which
   * would then disagree with any store started later.
   */
  private async replace(s: Silence): Promise<boolean> {
    if (await this.silences.replace(s.id, s, this.silences.revision(s.id) ?? 0)) return true;
    await this.silences.refresh(s.id);
    return false;
  }
}

/** The error of a write refused `ATTEMPTS` times in a row. */
function changing(id: string): Error {
  return new Error(`Cannot change silence ${id}: another aggregator keeps changing it`);
}
