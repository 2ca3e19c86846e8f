/**
 * A KV bucket mirrored in memory: every value decoded into a map, kept current by a watch, so
 * reads never wait on NATS and a change made on any aggregator (a revoked token) is seen here
 * as soon as the watch delivers it, in well under a second on a healthy NATS.
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";

const log = logger("auth");

/** One bucket's entries in memory. */
export class KvMirror<T> {
  readonly entries = new Map<string, T>();
  /** Each entry's revision as the watch last reported it (what `touch` writes over). */
  private readonly revisions = new Map<string, number>();
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
    await this.kv.put(key, bytes);
    this.entries.set(key, value);
  }

  /** Deletes a key here and in the bucket. */
  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
    this.entries.delete(key);
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
      .catch((err) => log.warn(`Cannot record ${what}`, { error: String(err) }));
  }

  private apply(key: string, value: Uint8Array | null, revision: number): void {
    const before = this.entries.get(key);
    if (value === null) {
      this.entries.delete(key);
      this.revisions.delete(key);
      this.changed(key, before, undefined);
      return;
    }
    try {
      const after = this.decode(value);
      this.entries.set(key, after);
      this.revisions.set(key, revision);
      this.changed(key, before, after);
    } catch (err) {
      // A value that cannot be read grants nothing: the entry is dropped, not kept stale.
      this.entries.delete(key);
      this.revisions.delete(key);
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
