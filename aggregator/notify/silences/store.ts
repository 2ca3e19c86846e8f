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

/** The most a stored silence may take: under nats-server's default 1 MiB message, with room. */
export const MAX_SILENCE_BYTES = 900 * 1024;

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
    if (input.id && !this.silences.entries.has(input.id)) throw notFound();
    const made = (now: number): Silence => ({
      ...input,
      id: input.id || "pending-id",
      updatedAt: now,
    });
    validateSilence(made(this.now()));
    // A silence is one NATS message in the bucket: one past nats-server's default max_payload
    // would fail to store (a 500) after it was accepted.
    const bytes = encodeSilence(made(this.now())).length;
    if (bytes > MAX_SILENCE_BYTES)
      throw new SilenceError(
        "invalid",
        `silence invalid: too large: ${bytes} bytes stored, at most ${MAX_SILENCE_BYTES}`,
      );
    if (input.id) {
      // Decided on the silence as it is at each try, so that after another aggregator's change
      // (an expiry, say) it is decided again on that, at the time of that try.
      let inPlace = false;
      const after = await this.silences.change(input.id, (prev) => {
        const now = this.now();
        inPlace = canUpdateInPlace(prev, made(now), now);
        return inPlace ? { ...made(now), id: prev.id } : ended(prev, now);
      });
      if (after === null) throw notFound();
      if (inPlace) return input.id;
    }
    const now = this.now();
    const id = this.opts.newId ? this.opts.newId() : crypto.randomUUID();
    await this.silences.put(id, { ...made(now), id, startsAt: Math.max(input.startsAt, now) });
    return id;
  }

  /**
   * Ends a silence now: an active one ends, a pending one starts and ends now; an expired one
   * is left as it is. Throws a `not_found` SilenceError for an unknown id.
   */
  async expire(id: string): Promise<void> {
    if (!this.silences.entries.has(id)) throw notFound();
    if ((await this.silences.change(id, (s) => ended(s, this.now()))) === null) throw notFound();
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
}

/** Ends `s` at `now`: undefined (leave it) where it has ended already. */
function ended(s: Silence, now: number): Silence | undefined {
  const state = silenceState(s, now);
  if (state === "expired") return undefined;
  const startsAt = state === "pending" ? now : s.startsAt;
  return { ...s, startsAt, endsAt: now, updatedAt: now };
}

function notFound(): SilenceError {
  return new SilenceError("not_found", "silence not found");
}
