/**
 * Views of a key-value store whose writes or watch can be held back, as a slow network or a
 * loaded NATS holds them: tests of writers on two aggregators use them to land one's write
 * after the other's (the races of the KV seam's compare-and-set writes, kv.ts), or to ask one
 * aggregator for what another wrote before its watch brings it (kv_mirror.ts `lookUp`).
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
      ...viewOf(kv),
      put: (k, v) => after(() => kv.put(k, v)),
      publish: (k, v) => after(() => kv.publish(k, v)),
      create: (k, v) => after(() => kv.create(k, v)),
      update: (k, v, r) => after(() => kv.update(k, v, r)),
      delete: (k) => after(() => kv.delete(k)),
      deleteAt: (k, r) => after(() => kv.deleteAt(k, r)),
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

/**
 * `kv` with its watches holding every change after their first load until `deliver()`; counts
 * the reads of single keys (`entry`).
 */
export function lateWatch(kv: KeyValueStore): {
  readonly kv: KeyValueStore;
  reads(): number;
  deliver(): void;
} {
  const held: (() => void)[] = [];
  let reads = 0;
  return {
    kv: {
      ...viewOf(kv),
      entry: (k) => {
        reads++;
        return kv.entry(k);
      },
      watch: (w) => {
        let loaded = false;
        return kv.watch({
          change: (c) => (loaded ? held.push(() => w.change(c)) : w.change(c)),
          ready: () => {
            loaded = true;
            w.ready();
          },
        });
      },
    },
    reads: () => reads,
    deliver: () => {
      for (const f of held.splice(0)) f();
    },
  };
}

/** Every method of `kv`, bound: the base the views above change. */
function viewOf(kv: KeyValueStore): KeyValueStore {
  return {
    get: (k) => kv.get(k),
    entry: (k) => kv.entry(k),
    put: (k, v) => kv.put(k, v),
    publish: (k, v) => kv.publish(k, v),
    create: (k, v) => kv.create(k, v),
    update: (k, v, r) => kv.update(k, v, r),
    delete: (k) => kv.delete(k),
    deleteAt: (k, r) => kv.deleteAt(k, r),
    keys: () => kv.keys(),
    watch: (w) => kv.watch(w),
  };
}
