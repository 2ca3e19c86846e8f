/**
 * A KV bucket mirrored in memory: every value decoded into a map, kept current by a watch, so
 * reads never wait on NATS and a change made on any aggregator (a revoked token, a saved
 * dashboard) is seen here as soon as the watch delivers it, in well under a second on a
 * healthy NATS. Writes decided on a value read go over its revision (kv.ts), and this
 * mirror's own writes never replace a newer value the watch brought first (kv_revisions.ts).
 * The users, tokens and sessions (auth/), the dashboards, versions and folders (dashboards/),
 * the uploaded rule groups (ruler/) and the silences (notify/silences/) are mirrors.
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "./kv.ts";
import { KvRevisions } from "./kv_revisions.ts";

/** Compare-and-set writes refused in a row before {@link KvMirror.change} gives up. */
const ATTEMPTS = 5;

/** Sees an entry change: set (`after`) or gone (`after` undefined). */
export type MirrorChange<T> = (key: string, before: T | undefined, after: T | undefined) => void;

/** How a {@link KvMirror} reads, writes and reports its values. */
export interface KvMirrorOptions<T> {
  /** Reads a key's value; throws on one it cannot read, which is then dropped, counted and logged. */
  readonly decode: (bytes: Uint8Array, key: string) => T;
  readonly encode: (value: T) => Uint8Array;
  /** The component whose log names an unreadable value. */
  readonly component: string;
  /** Counts the values that could not be read, labelled `bucket` (where it has that label). */
  readonly undecodable?: Metric;
  /** Sees every change of the entries, the first load's and this mirror's own writes too. */
  readonly index?: MirrorChange<T>;
  /** Sees the changes the watch brings once the bucket is loaded (an audit log's observer). */
  readonly observe?: MirrorChange<T>;
}

/** One bucket's entries in memory. */
export class KvMirror<T> {
  readonly entries = new Map<string, T>();
  /** Each entry's revision (what `change` and `touch` write over). */
  private readonly revisions = new KvRevisions();
  private stopWatch: (() => void) | null = null;
  private loaded = false;
  /** The reads {@link lookUp} has under way, by key. */
  private readonly reading = new Map<string, Promise<void>>();
  private readonly log;

  constructor(
    readonly kv: KeyValueStore,
    private readonly bucket: string,
    private readonly opts: KvMirrorOptions<T>,
  ) {
    this.log = logger(opts.component);
  }

  /**
   * Loads the bucket and follows it; resolves once every stored value is known. Rejects with
   * `signal`'s reason when it aborts first (a stop signal while the program starts), at any
   * point of the start, the watch then stopped.
   */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    // An abort while the watch is being set up rejects before anything awaits `promise`: marked
    // handled here, it is still thrown below (an unhandled rejection would end the process).
    promise.catch(() => {});
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      this.stopWatch = await this.kv.watch({
        change: (c) => this.apply(c.key, c.value, c.revision),
        reset: () => this.revisions.clear(),
        ready: () => {
          this.loaded = true;
          resolve();
        },
      });
      await promise;
    } catch (err) {
      this.stop();
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Whether the first load is done: the changes after it are others' (or this mirror's) writes. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Stops following the bucket. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }

  /** The revision of the value held for `key`, if known: what a compare-and-set goes over. */
  revision(key: string): number | undefined {
    return this.revisions.get(key);
  }

  /**
   * Reads `key` from the bucket into this mirror now, as the watch will bring it: after a
   * compare-and-set refused because another aggregator changed the value, so that the next
   * attempt decides on what it is now.
   */
  async refresh(key: string): Promise<void> {
    const stored = await this.kv.entry(key);
    this.apply(key, stored?.value ?? null, stored?.revision ?? 0);
  }

  /**
   * The entry of `key`, read from the bucket when this mirror holds none: a value written on
   * another aggregator a moment ago may not have come through the watch yet (a browser behind
   * a load balancer logs in on one aggregator and sends its next request to another). The
   * lookups of one key at once share one read; a read that fails is logged and answers as the
   * mirror does. Each miss costs a read, so callers limit who may cause them.
   */
  async lookUp(key: string): Promise<T | undefined> {
    const held = this.entries.get(key);
    if (held !== undefined) return held;
    let read = this.reading.get(key);
    if (read === undefined) {
      // Only a value found is applied: an absence read just before the watch brings the
      // key's first value must not drop that value.
      read = this.kv
        .entry(key)
        .then((stored) => {
          if (stored !== null) this.apply(key, stored.value, stored.revision);
        })
        .catch((err) =>
          this.log.warn("Cannot read a key from a KV bucket", {
            bucket: this.bucket,
            error: String(err),
          }),
        )
        .finally(() => this.reading.delete(key));
      this.reading.set(key, read);
    }
    await read;
    return this.entries.get(key);
  }

  /** Writes a value and applies it here at once (the watch brings the same value again). */
  async put(key: string, value: T): Promise<void> {
    this.applyOwn(key, value, await this.kv.put(key, this.opts.encode(value)));
  }

  /** Writes a value where the key holds none; false (nothing written) where it holds one. */
  async create(key: string, value: T): Promise<boolean> {
    return this.replace(key, value, null);
  }

  /**
   * Writes a value only over the bucket's value of revision `over` (null: only where the key
   * holds none), and applies it here; false (nothing written) where it changed since.
   */
  async replace(key: string, value: T, over: number | null): Promise<boolean> {
    const bytes = this.opts.encode(value);
    const revision =
      over === null ? await this.kv.create(key, bytes) : await this.kv.update(key, bytes, over);
    if (revision === null) return false;
    this.applyOwn(key, value, revision);
    return true;
  }

  /**
   * Rewrites an entry as `edit` makes it from its current value, with a compare-and-set: where
   * another aggregator changed the entry meanwhile, `edit` runs again on its new value (read
   * from the bucket). `edit` returning undefined leaves the entry as it is. The entry as it is
   * then, or null when it is gone; throws after `ATTEMPTS` refused writes.
   */
  async change(key: string, edit: (value: T) => T | undefined): Promise<T | null> {
    let value = this.entries.get(key);
    let revision = this.revisions.get(key);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await Bun.sleep(10 * attempt); // a refused write: give the other writer a moment
      if (value === undefined || revision === undefined) {
        const stored = await this.kv.entry(key);
        if (stored === null) return null;
        value = this.opts.decode(stored.value, key);
        revision = stored.revision;
      }
      const next = edit(value);
      if (next === undefined) return value;
      if (await this.replace(key, next, revision)) return next;
      value = revision = undefined; // changed meanwhile: read it again
    }
    throw new Error(`Cannot change ${key.slice(0, 16)} in ${this.bucket}: it keeps changing`);
  }

  /** Deletes a key here and in the bucket. */
  async delete(key: string): Promise<void> {
    // Unless the watch brought a newer value meanwhile (written after this delete).
    if (await this.revisions.deleted(key, () => this.kv.delete(key))) this.set(key, undefined);
  }

  /** Deletes a key where the bucket's value is still of revision `at`; false where not. */
  async deleteAt(key: string, at: number): Promise<boolean> {
    let deleted = false;
    const remove = async () => (deleted = await this.kv.deleteAt(key, at));
    if (await this.revisions.deleted(key, remove)) this.set(key, undefined);
    return deleted;
  }

  /**
   * Rewrites an entry with a new last-use time, here at once and in the bucket in the
   * background, only over the revision this mirror holds: a plain put landing after a revoke
   * or logout on another aggregator would bring the token or session back to life. A write
   * refused because the entry changed since is dropped; the watch brings the change.
   */
  touch(key: string, value: T, what: string): void {
    this.set(key, value);
    const revision = this.revisions.get(key);
    if (revision === undefined) return; // written here, not yet seen back: next time
    this.kv
      .update(key, this.opts.encode(value), revision)
      .then((written) => {
        // Not back into a mirror that dropped the entry meanwhile (revoked here, say).
        if (written !== null && this.entries.has(key)) this.applyOwn(key, value, written);
      })
      .catch((err) => this.log.warn(`Cannot record ${what}`, { error: String(err) }));
  }

  /** This mirror's own write of revision `revision`, unless the watch brought a newer one. */
  private applyOwn(key: string, value: T, revision: number): void {
    if (this.revisions.admit(key, revision)) this.set(key, value);
  }

  /** A change the watch brought. */
  private apply(key: string, bytes: Uint8Array | null, revision: number): void {
    // Older than this mirror's own write of the key, which the watch has yet to bring.
    if (!this.revisions.admit(key, revision)) return;
    const before = this.entries.get(key);
    let after: T | undefined;
    if (bytes !== null) {
      try {
        after = this.opts.decode(bytes, key);
      } catch (err) {
        // A value that cannot be read is dropped, not kept stale (it grants nothing).
        this.opts.undecodable?.labels({ bucket: this.bucket }).inc();
        this.log.warn("Cannot read a value in a KV bucket: ignored", {
          bucket: this.bucket,
          key: key.slice(0, 100),
          error: (err as Error).message,
        });
        this.revisions.forget(key, revision);
        this.set(key, undefined);
        return;
      }
    } else this.revisions.forget(key, revision);
    this.set(key, after);
    if (!this.loaded || this.opts.observe === undefined) return;
    try {
      this.opts.observe(key, before, after);
    } catch (err) {
      this.log.warn("Cannot observe a change in a KV bucket", { error: String(err) });
    }
  }

  /** Sets or drops an entry, and tells the index. */
  private set(key: string, value: T | undefined): void {
    const before = this.entries.get(key);
    if (value === undefined) this.entries.delete(key);
    else this.entries.set(key, value);
    this.opts.index?.(key, before, value);
  }
}
