/**
 * A small key-value seam over NATS KV, for state every aggregator shares (silences today, the
 * notification log later). Callers see bytes under string keys and a watch that replays the
 * current values and then every change; `aggregator/ingest/kv_memory.ts` is the same seam in
 * memory, for unit tests of the code above it.
 */
import type { KV, NatsConnection } from "nats";
import { logger } from "../../shared/log/log.ts";
import { lostCreateRace } from "../../shared/nats/stream.ts";
import { streamChecksOf } from "./kv_stream_checks.ts";

const log = logger("kv");

/** One change seen by a watch: a value put under a key, or the key deleted (`value` null). */
export interface KvChange {
  readonly key: string;
  readonly value: Uint8Array | null;
  /**
   * The write's revision, what {@link KeyValueStore.update} compares with (0 for a key passed
   * on as deleted because a watch started again no longer found it).
   */
  readonly revision: number;
}

/**
 * What a watch calls: every current value first, then `ready()`, then each change. A watch that
 * NATS ended is started again (natsKeyValue): the current values come again, then `ready()`
 * again; applying a value twice must change nothing.
 */
export interface KvWatcher {
  change(c: KvChange): void;
  ready(): void;
  /**
   * Called before a watch started again after an error replays the bucket: revisions seen
   * before may belong to a stream since lost and made again, numbered from 1 (KvRevisions).
   */
  reset?(): void;
}

/** A key's value and the revision of the write that put it there. */
export interface KvEntry {
  readonly value: Uint8Array;
  readonly revision: number;
}

/**
 * The key-value store shared by aggregators. Keys are NATS KV keys (`[-/_=.a-zA-Z0-9]+`).
 *
 * Every write is numbered (its revision, increasing across the bucket), and a writer that
 * decides from a value it read writes with `update`/`deleteAt` at that value's revision: a plain
 * `put` or `delete` landing after another aggregator's change undoes it (a revoked token
 * restored, an alert firing again deleted; aggregator/auth/mirror.test.ts and the others).
 */
export interface KeyValueStore {
  /** The value under a key, or null when there is none (or it was deleted). */
  get(key: string): Promise<Uint8Array | null>;
  /** {@link get} with the value's revision. */
  entry(key: string): Promise<KvEntry | null>;
  /** Writes a value under a key; the write's revision. */
  put(key: string, value: Uint8Array): Promise<number>;
  /**
   * Writes a value under a key without waiting for the server to confirm it: resolves once the
   * write is on its way. A write lost on the way is not reported; the caller sees its writes
   * land through a watch (one request and reply fewer per value than `put`).
   */
  publish(key: string, value: Uint8Array): Promise<void>;
  /**
   * Writes a value only where the key holds none (never written, or deleted): its revision, or
   * null when the key holds one. The compare-and-set that versioned writers (dashboards) build on.
   */
  create(key: string, value: Uint8Array): Promise<number | null>;
  /**
   * Writes a value only where the key's last write is still `revision` (as a watch or
   * `entry` reported it): the new revision, or null when the key was written or deleted since
   * (and for revision 0, unknown).
   */
  update(key: string, value: Uint8Array, revision: number): Promise<number | null>;
  /** Deletes a key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes a key only where its last write is still `revision`; false where it changed since. */
  deleteAt(key: string, revision: number): Promise<boolean>;
  /** The keys that hold a value. */
  keys(): Promise<string[]>;
  /** Watches every key; the returned function stops the watch. */
  watch(watcher: KvWatcher): Promise<() => void>;
}

/** Options of {@link natsKeyValue}. */
export interface NatsKvOptions {
  /** How many values each key keeps (1: only the latest). */
  history?: number;
  /**
   * How often a watch asks whether its bucket's stream is still the one it follows (10 s; the
   * watches of one connection with the same period ask together, kv_stream_checks.ts).
   * A stream deleted and made again before nats.js notices (two missed 5 s heartbeats; another
   * watch of the bucket, here or on another aggregator, makes it again at once) is otherwise
   * followed from the old stream's sequence, silently missing every value below it.
   */
  streamCheckMs?: number;
}

/**
 * Opens KV `bucket`, creating it if missing. A create that lost to another program's create of
 * the same bucket (two aggregators started at once) is tried once more, and then finds it.
 */
export async function openKv(nc: NatsConnection, bucket: string, history: number): Promise<KV> {
  const js = nc.jetstream();
  try {
    return await js.views.kv(bucket, { history });
  } catch (err) {
    if (!lostCreateRace(err)) throw err;
    return js.views.kv(bucket, { history });
  }
}

/** The seam on a NATS KV bucket, created on first use if missing. */
export function natsKeyValue(
  nc: NatsConnection,
  bucket: string,
  opts: NatsKvOptions = {},
): KeyValueStore {
  let kv: Promise<KV> | null = null;
  const open = (): Promise<KV> => {
    kv ??= openKv(nc, bucket, opts.history ?? 1).catch((err) => {
      kv = null;
      throw err;
    });
    return kv;
  };
  const keys = async () => {
    const out: string[] = [];
    for await (const k of await (await open()).keys()) out.push(k);
    return out;
  };
  return {
    async get(key) {
      const entry = await (await open()).get(key);
      return entry?.operation === "PUT" ? entry.value : null;
    },
    async entry(key) {
      const entry = await (await open()).get(key);
      return entry?.operation === "PUT" ? { value: entry.value, revision: entry.revision } : null;
    },
    async put(key, value) {
      return (await open()).put(key, value);
    },
    async publish(key, value) {
      await open(); // the bucket's stream must exist to take the value
      nc.publish(`$KV.${bucket}.${key}`, value);
    },
    async create(key, value) {
      return unlessChanged((await open()).create(key, value));
    },
    async update(key, value, revision) {
      if (revision <= 0) return null; // unknown: nats.js would throw
      return unlessChanged((await open()).update(key, value, revision));
    },
    async delete(key) {
      await (await open()).delete(key);
    },
    async deleteAt(key, revision) {
      if (revision <= 0) return false;
      const kv = await open();
      return (
        (await unlessChanged(kv.delete(key, { previousSeq: revision }).then(() => 0))) !== null
      );
    },
    keys,
    async watch(outer) {
      const watcher = new Tracked(outer, bucket);
      // The stream a watch follows, known by when it was made: a stream made again is another.
      let following = "";
      const start = async (): Promise<Watch> => {
        let started = false;
        let early = false;
        const initializedFn = () => {
          if (started) watcher.ready();
          else early = true;
        };
        const kv = await open();
        // Read before the watch starts: a stream replaced in between is then seen as replaced.
        const created = (await kv.status()).streamInfo.created;
        const w = (await kv.watch({ initializedFn })) as Watch;
        following = created;
        started = true;
        // nats.js calls initializedFn inside watch() when every value had come by then, ahead
        // of those values, still queued in the iterator: ready() goes after them instead (the
        // iterator calls a function pushed into it when it reaches it, as nats.js does itself).
        if (early) (w as unknown as { push(fn: () => void): void }).push(() => watcher.ready());
        return w;
      };
      // Watching again, keys gone with no delete marker left (the stream was lost) are found by
      // listing the bucket once the new watch runs; its replay brings back what is there.
      const restart = async (): Promise<Watch> => {
        watcher.reset();
        const next = await start();
        try {
          watcher.prune(new Set(await keys()));
          return next;
        } catch (err) {
          next.stop();
          throw err;
        }
      };
      let iter = await start();
      let stopped = false;
      let replaced = false;
      const done = () => stopped || nc.isClosed();
      const stopChecking = streamChecksOf(nc, opts.streamCheckMs ?? 10_000).add(async () => {
        if (done() || replaced || !following) return;
        const created = await streamCreated(open);
        if (created === null || created === following || done()) return;
        replaced = true;
        iter.stop();
      });
      (async () => {
        for (;;) {
          const error = await follow(iter, watcher);
          // A watch ends without an error when it is stopped or its connection drains.
          if (done() || (error === undefined && !replaced)) return;
          // nats.js ends a watch when it cannot recreate its ordered consumer (its stream was
          // deleted; it retries timeouts itself), and follows a stream made again in time from
          // the old sequence. Followed no more, a token revoked elsewhere would stay valid here:
          // watch again, the bucket made again if it is missing (as an aggregator starting would).
          if (replaced)
            log.warn("A KV bucket's stream was made again: watching it again", { bucket });
          else log.warn("A KV watch ended: watching the bucket again", { bucket, error });
          kv = null;
          following = "";
          const next = await retry(restart, done, bucket);
          replaced = false;
          if (!next) return;
          if (stopped) {
            next.stop();
            return;
          }
          iter = next;
        }
      })()
        .catch((err) => log.error("A KV watch stopped", { bucket, error: String(err) }))
        .finally(stopChecking);
      return () => {
        stopped = true;
        stopChecking();
        iter.stop();
      };
    },
  };
}

/**
 * When the bucket's stream was made, or null where that cannot be told now (no stream, which
 * nats.js reports by ending the watch; no answer in time).
 */
async function streamCreated(open: () => Promise<KV>): Promise<string | null> {
  try {
    return (await (await open()).status()).streamInfo.created;
  } catch {
    return null;
  }
}

type Watch = Awaited<ReturnType<KV["watch"]>>;

/** A conditional write's revision once it lands; null where JetStream found the key written since. */
async function unlessChanged(write: Promise<number>): Promise<number | null> {
  try {
    return await write;
  } catch (err) {
    // JetStream's answer when the key's last sequence is not the expected one.
    if (/wrong last sequence/i.test(String((err as Error).message))) return null;
    throw err;
  }
}

/**
 * Passes a watch on, knowing which keys hold a value, so that after a watch started again the
 * keys the bucket no longer holds (the stream was lost with its delete markers) are passed on
 * as deleted rather than kept.
 */
class Tracked implements KvWatcher {
  private readonly live = new Set<string>();

  constructor(
    private readonly inner: KvWatcher,
    private readonly bucket: string,
  ) {}

  change(c: KvChange): void {
    if (c.value === null) this.live.delete(c.key);
    else this.live.add(c.key);
    try {
      this.inner.change(c);
    } catch (err) {
      // The watcher's own failure: the watch goes on with the next change.
      log.warn("Cannot apply a change from a KV watch: skipped", {
        bucket: this.bucket,
        key: c.key.slice(0, 64),
        error: String(err),
      });
    }
  }

  ready(): void {
    this.inner.ready();
  }

  reset(): void {
    this.inner.reset?.();
  }

  /** Passes on as deleted every key held here that `present` (the bucket's keys) lacks. */
  prune(present: ReadonlySet<string>): void {
    for (const key of [...this.live]) {
      if (!present.has(key)) this.change({ key, value: null, revision: 0 });
    }
  }
}

/** Feeds a watch's entries to a watcher until it ends; the error that ended it, if any. */
async function follow(iter: Watch, watcher: KvWatcher): Promise<string | undefined> {
  try {
    for await (const e of iter) {
      const value = e.operation === "PUT" ? e.value : null;
      watcher.change({ key: e.key, value, revision: e.revision });
    }
    return undefined;
  } catch (err) {
    return String(err);
  }
}

/** Starts a watch again, backing off from 100 ms to 5 s, until it starts or `done()`. */
async function retry(
  start: () => Promise<Watch>,
  done: () => boolean,
  bucket: string,
): Promise<Watch | null> {
  for (let attempt = 0; ; attempt++) {
    await Bun.sleep(Math.min(5_000, 100 * 2 ** attempt));
    if (done()) return null;
    try {
      const iter = await start();
      log.info("Watching a KV bucket again", { bucket });
      return iter;
    } catch (err) {
      if (attempt === 0)
        log.warn("Cannot watch a KV bucket: retrying", { bucket, error: String(err) });
    }
  }
}
