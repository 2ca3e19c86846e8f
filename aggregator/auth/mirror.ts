/**
 * A KV bucket mirrored in memory: every value decoded into a map, kept current by a watch, so
 * reads never wait on NATS and a change made on any aggregator (a revoked token) is seen here
 * as soon as the watch delivers it, in well under a second on a healthy NATS.
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import { KvRevisions } from "../ingest/kv_revisions.ts";

const log = logger("auth");

/** Compare-and-set writes refused in a row before {@link KvMirror.change} gives up. */
const ATTEMPTS = 5;

/** One bucket's entries in memory. */
export class KvMirror<T> {
  readonly entries = new Map<string, T>();
  /** Each entry's revision (what `change` and `touch` write over). */
  private readonly revisions = new KvRevisions();
  private stopWatch: (() => void) | null = null;
  private loaded = false;

  constructor(
    readonly kv: KeyValueStore,
    private readonly bucket: string,
    private readonly decode: (bytes: Uint8Array) => T,
    private readonly undecodable?: Metric,
    /** Called for each change after the bucket is loaded (the audit log's observer). */
    private readonly onChange?: (key: string, before: T | undefined, after: T | undefined) => void,
  ) {}

  /** Loads the bucket and follows it; resolves once every stored value is known. */
  async start(signal?: AbortSignal): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    this.stopWatch = await this.kv.watch({
      change: (c) => this.apply(c.key, c.value, c.revision),
      reset: () => this.revisions.clear(),
      ready: () => {
        this.loaded = true;
        resolve();
      },
    });
    await promise;
  }

  /** Stops following the bucket. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }

  /** Writes a value and applies it here at once (the watch brings the same value again). */
  async put(key: string, value: T, bytes: Uint8Array): Promise<void> {
    this.applyOwn(key, value, await this.kv.put(key, bytes));
  }

  /** Writes a value where the key holds none; false (nothing written) where it holds one. */
  async create(key: string, value: T, bytes: Uint8Array): Promise<boolean> {
    const revision = await this.kv.create(key, bytes);
    if (revision === null) return false;
    this.applyOwn(key, value, revision);
    return true;
  }

  /**
   * Rewrites an entry as `edit` makes it from its current value, with a compare-and-set: where
   * another aggregator changed the entry meanwhile, `edit` runs again on its new value (read
   * from the bucket). Null when the entry is gone; throws after `ATTEMPTS` refused writes.
   */
  async change(
    key: string,
    edit: (value: T) => T,
    encode: (value: T) => Uint8Array,
  ): Promise<T | null> {
    let value = this.entries.get(key);
    let revision = this.revisions.get(key);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await Bun.sleep(10 * attempt); // a refused write: give the other writer a moment
      if (value === undefined || revision === undefined) {
        const stored = await this.kv.entry(key);
        if (stored === null) return null;
        value = this.decode(stored.value);
        revision = stored.revision;
      }
      const next = edit(value);
      const written = await this.kv.update(key, encode(next), revision);
      if (written !== null) {
        this.applyOwn(key, next, written);
        return next;
      }
      value = revision = undefined; // changed meanwhile: read it again
    }
    throw new Error(`Cannot change ${key.slice(0, 16)} in ${this.bucket}: it keeps changing`);
  }

  /** Deletes a key here and in the bucket. */
  async delete(key: string): Promise<void> {
    // Unless the watch brought a newer value meanwhile (written after this delete).
    if (await this.revisions.deleted(key, () => this.kv.delete(key))) this.entries.delete(key);
  }

  /**
   * Rewrites an entry with a new last-use time, here at once and in the bucket in the
   * background, only over the revision this mirror holds: a plain put landing after a revoke
   * or logout on another aggregator would bring the token or session back to life. A write
   * refused because the entry changed since is dropped; the watch brings the change.
   */
  touch(key: string, value: T, bytes: Uint8Array, what: string): void {
    this.entries.set(key, value);
    const revision = this.revisions.get(key);
    if (revision === undefined) return; // written here, not yet seen back: next time
    this.kv
      .update(key, bytes, revision)
      .then((written) => {
        // Not back into a mirror that dropped the entry meanwhile (revoked here, say).
        if (written !== null && this.entries.has(key)) this.applyOwn(key, value, written);
      })
      .catch((err) => log.warn(`Cannot record ${what}`, { error: String(err) }));
  }

  /** This mirror's own write of revision `revision`, unless the watch brought a newer one. */
  private applyOwn(key: string, value: T, revision: number): void {
    if (this.revisions.admit(key, revision)) this.entries.set(key, value);
  }

  private apply(key: string, value: Uint8Array | null, revision: number): void {
    // Older than this mirror's own write of the key, which the watch has yet to bring.
    if (!this.revisions.admit(key, revision)) return;
    const before = this.entries.get(key);
    if (value === null) {
      this.entries.delete(key);
      this.revisions.forget(key, revision);
      this.changed(key, before, undefined);
      return;
    }
    try {
      const after = this.decode(value);
      this.entries.set(key, after);
      this.changed(key, before, after);
    } catch (err) {
      // A value that cannot be read grants nothing: the entry is dropped, not kept stale.
      this.entries.delete(key);
      this.revisions.forget(key, revision);
      this.undecodable?.labels({ bucket: this.bucket }).inc();
      log.warn("Cannot read a value in an auth bucket: ignored", {
        bucket: this.bucket,
        key: key.slice(0, 16),
        error: (err as Error).message,
      });
    }
  }

  private changed(key: string, before: T | undefined, after: T | undefined): void {
    if (!this.loaded || this.onChange === undefined) return;
    try {
      this.onChange(key, before, after);
    } catch (err) {
      log.warn("Cannot observe a change in an auth bucket", { error: String(err) });
    }
  }
}
