/**
 * A KV bucket of JSON records mirrored in memory, kept current by a watch, so search and
 * listings never wait on NATS and a change made through any aggregator is seen by all.
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import { KvRevisions } from "../ingest/kv_revisions.ts";

const log = logger("dashboards");

/** Decodes a record's bytes. */
export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

/** Encodes a record. */
export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** One bucket's records in memory; `changed` sees each key set (value) or deleted (undefined). */
export class JsonMirror<T> {
  readonly entries = new Map<string, T>();
  /** Each record's revision: this mirror's own write never replaces a newer one. */
  private readonly revisions = new KvRevisions();
  private stopWatch: (() => void) | null = null;

  constructor(
    readonly kv: KeyValueStore,
    private readonly bucket: string,
    private readonly undecodable?: Metric,
    private readonly changed?: (key: string, value: T | undefined, prev: T | undefined) => void,
  ) {}

  /** Loads the bucket and follows it; resolves once every stored record is known. */
  async start(signal?: AbortSignal): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    this.stopWatch = await this.kv.watch({
      change: (c) => {
        if (!this.revisions.admit(c.key, c.revision)) return;
        if (c.value === null) this.revisions.forget(c.key, c.revision);
        this.apply(c.key, c.value === null ? undefined : this.decode(c.key, c.value));
      },
      reset: () => this.revisions.clear(),
      ready: () => resolve(),
    });
    await promise;
  }

  /** Stops following the bucket. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }

  /** Writes a record and applies it here at once (the watch brings it again). */
  async put(key: string, value: T): Promise<void> {
    const revision = await this.kv.put(key, encodeJson(value));
    if (this.revisions.admit(key, revision)) this.apply(key, value);
  }

  /** Writes a record where the key holds none; false when it holds one. */
  async create(key: string, value: T): Promise<boolean> {
    return this.replace(key, value, null);
  }

  /**
   * Writes a record only over the bucket's value of revision `over` (null: only where the key
   * holds none), and applies it here; false (nothing written) where it changed since.
   */
  async replace(key: string, value: T, over: number | null): Promise<boolean> {
    const bytes = encodeJson(value);
    const revision =
      over === null ? await this.kv.create(key, bytes) : await this.kv.update(key, bytes, over);
    if (revision === null) return false;
    if (this.revisions.admit(key, revision)) this.apply(key, value);
    return true;
  }

  /** Deletes a record where the bucket's value is still of revision `at`; false where not. */
  async deleteAt(key: string, at: number): Promise<boolean> {
    let deleted = false;
    const remove = async () => (deleted = await this.kv.deleteAt(key, at));
    if (await this.revisions.deleted(key, remove)) this.apply(key, undefined);
    return deleted;
  }

  /** Deletes a record here and in the bucket. */
  async delete(key: string): Promise<void> {
    if (await this.revisions.deleted(key, () => this.kv.delete(key))) this.apply(key, undefined);
  }

  private decode(key: string, bytes: Uint8Array): T | undefined {
    try {
      return decodeJson<T>(bytes);
    } catch (err) {
      this.undecodable?.labels({ bucket: this.bucket }).inc();
      log.warn("Cannot read a record in a dashboards bucket: ignored", {
        bucket: this.bucket,
        key: key.slice(0, 100),
        error: (err as Error).message,
      });
      return undefined;
    }
  }

  private apply(key: string, value: T | undefined): void {
    const prev = this.entries.get(key);
    if (value === undefined) this.entries.delete(key);
    else this.entries.set(key, value);
    this.changed?.(key, value, prev);
  }
}
