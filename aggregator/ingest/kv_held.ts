/**
 * A view of a key-value store whose writes can be held back, as a slow network or a loaded
 * NATS holds them: tests of writers on two aggregators use it to land one's write after the
 * other's (the races of the KV seam's compare-and-set writes, kv.ts).
 */
import type { KeyValueStore } from "./kv.ts";

/**
 * `kv` with its writes held from `hold()` until the function it returns is awaited; with
 * `{ answers: true }` the writes land at once and only their answers are held (a write whose
 * acknowledgement comes after the watch brought later changes).
 */
export function heldWrites(kv: KeyValueStore): {
  readonly kv: KeyValueStore;
  hold(opts?: { answers?: boolean }): () => Promise<void>;
} {
  let gate: Promise<void> | null = null;
  let answers = false;
  const after = async <T>(write: () => Promise<T>): Promise<T> => {
    if (!answers) await gate;
    const result = await write();
    if (answers) await gate;
    return result;
  };
  return {
    kv: {
      get: (k) => kv.get(k),
      entry: (k) => kv.entry(k),
      put: (k, v) => after(() => kv.put(k, v)),
      publish: (k, v) => after(() => kv.publish(k, v)),
      create: (k, v) => after(() => kv.create(k, v)),
      update: (k, v, r) => after(() => kv.update(k, v, r)),
      delete: (k) => after(() => kv.delete(k)),
      deleteAt: (k, r) => after(() => kv.deleteAt(k, r)),
      keys: () => kv.keys(),
      watch: (w) => kv.watch(w),
    },
    hold(opts = {}) {
      const { promise, resolve } = Promise.withResolvers<void>();
      gate = promise;
      answers = opts.answers ?? false;
      return async () => {
        resolve();
        gate = null;
        await Bun.sleep(0);
      };
    },
  };
}
