/**
 * A small key-value seam over NATS KV, for state every aggregator shares (silences today, the
 * notification log later). Callers see bytes under string keys and a watch that replays the
 * current values and then every change; `aggregator/ingest/kv_memory.ts` is the same seam in
 * memory, for unit tests of the code above it.
 */
import type { KV, NatsConnection } from "nats";

/** One change seen by a watch: a value put under a key, or the key deleted (`value` null). */
export interface KvChange {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** What a watch calls: every current value first, then `ready()` once, then each change. */
export interface KvWatcher {
  change(c: KvChange): void;
  ready(): void;
}

/** The key-value store shared by aggregators. Keys are NATS KV keys (`[-/_=.a-zA-Z0-9]+`). */
export interface KeyValueStore {
  /** The value under a key, or null when there is none (or it was deleted). */
  get(key: string): Promise<Uint8Array | null>;
  /** Writes a value under a key. */
  put(key: string, value: Uint8Array): Promise<void>;
  /**
   * Writes a value under a key without waiting for the server to confirm it: resolves once the
   * write is on its way. A write lost on the way is not reported; the caller sees its writes
   * land through a watch (one request and reply fewer per value than `put`).
   */
  publish(key: string, value: Uint8Array): Promise<void>;
  /**
   * Writes a value only where the key holds none (never written, or deleted); false when it
   * holds one. The compare-and-set that versioned writers (dashboards) build on.
   */
  create(key: string, value: Uint8Array): Promise<boolean>;
  /** Deletes a key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** The keys that hold a value. */
  keys(): Promise<string[]>;
  /** Watches every key; the returned function stops the watch. */
  watch(watcher: KvWatcher): Promise<() => void>;
}

/** Options of {@link natsKeyValue}. */
export interface NatsKvOptions {
  /** How many values each key keeps (1: only the latest). */
  history?: number;
}

/** The seam on a NATS KV bucket, created on first use if missing. */
export function natsKeyValue(
  nc: NatsConnection,
  bucket: string,
  opts: NatsKvOptions = {},
): KeyValueStore {
  let kv: Promise<KV> | null = null;
  const open = (): Promise<KV> => {
    kv ??= nc
      .jetstream()
      .views.kv(bucket, { history: opts.history ?? 1 })
      .catch((err) => {
        kv = null;
        throw err;
      });
    return kv;
  };
  return {
    async get(key) {
      const entry = await (await open()).get(key);
      return entry?.operation === "PUT" ? entry.value : null;
    },
    async put(key, value) {
      await (await open()).put(key, value);
    },
    async publish(key, value) {
      await open(); // the bucket's stream must exist to take the value
      nc.publish(`$KV.${bucket}.${key}`, value);
    },
    async create(key, value) {
      try {
        await (await open()).create(key, value);
        return true;
      } catch (err) {
        // JetStream's answer when the key's last sequence is not the expected "none".
        if (/wrong last sequence/i.test(String((err as Error).message))) return false;
        throw err;
      }
    },
    async delete(key) {
      await (await open()).delete(key);
    },
    async keys() {
      const out: string[] = [];
      for await (const k of await (await open()).keys()) out.push(k);
      return out;
    },
    async watch(watcher) {
      const iter = await (await open()).watch({ initializedFn: () => watcher.ready() });
      (async () => {
        for await (const e of iter) {
          watcher.change({ key: e.key, value: e.operation === "PUT" ? e.value : null });
        }
      })();
      return () => iter.stop();
    },
  };
}
