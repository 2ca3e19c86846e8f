/**
 * The ways the conformance scripts (and the differential test) run the engine, so that every
 * speed-only path answers Prometheus's scripts, not just the reference code:
 *
 * - `reference`: the reference mode (no fast path at all) over whole series;
 * - `whole`: the fast paths over whole series, as the head serves them;
 * - `hourly`: the fast paths over the query cache's hourly slices (narrow values, known
 *   drops, shared timestamps), as a day of Parquet files reaches the engine;
 * - `seams`: the same cut into 5-minute files and walked in place whatever the range, so
 *   that almost every window crosses a seam;
 * - `joined`: the cache's joined entries (one narrow-only slice per series);
 * - `helper`: the hourly slices with the rate helper thread forced on for every eligible
 *   query, however few its series, and slices walked whatever the range;
 * - `perwindow`: the hourly slices with every range function but rate's through its
 *   reference kernel on each window (FastTuning.perWindowKernels), the sliding kernels' baseline.
 *
 * Each mode must pass the same committed list (passing.txt).
 */
import { CachedStore, type CachedStoreOptions } from "../../storage/cache/testing.ts";
import type { MemoryStorage } from "../../storage/memory.ts";
import type { Querier, Queryable } from "../../storage/storage.ts";
import { Engine, type EngineOptions, RateHelper } from "../engine/engine.ts";
import type { QueryParser } from "./atmodifier.ts";
import { ENGINE_OPTIONS, type Harness } from "./runner.ts";

/** A store of the script's data, made again whenever the data changes; closed at the end. */
export interface StorageView extends Queryable {
  close(): void;
}

/** A way of serving the script's data to the engine, and the engine options that go with it. */
export interface StorageMode {
  readonly name: string;
  /** Engine options beyond the runner's ENGINE_OPTIONS. */
  readonly engine: EngineOptions;
  /** The data of `source` as this mode serves it; undefined for `source` itself. */
  view(source: MemoryStorage): StorageView | undefined;
  /** Releases what the mode holds across scripts (the helper thread). */
  close(): void;
}

const HOUR = 3_600_000;

/** Every mode, in the order the gate runs them. */
export function storageModes(): StorageMode[] {
  return [
    plain("reference", { reference: true }),
    plain("whole", {}),
    cached("hourly", { fileMs: HOUR }),
    cached("seams", { fileMs: 300_000 }, { fastTuning: { walkRatio: 0 } }),
    cached("joined", { fileMs: HOUR, join: true }),
    helped("helper", HOUR),
    cached("perwindow", { fileMs: HOUR }, { fastTuning: { perWindowKernels: true } }),
  ];
}

function plain(name: string, engine: EngineOptions): StorageMode {
  return { name, engine, view: () => undefined, close() {} };
}

function cached(name: string, opts: CachedStoreOptions, engine: EngineOptions = {}): StorageMode {
  return { name, engine, view: (source) => cachedView(source, opts), close() {} };
}

/** The helper takes every rate() it can: from one series, every block of one. */
function helped(name: string, fileMs: number): StorageMode {
  const helper = new RateHelper();
  const mode = cached(
    name,
    { fileMs, mirror: helper },
    {
      rateHelper: helper,
      fastTuning: { helperMinSeries: 1, block: 1, walkRatio: 0, shareAnyGroups: true },
    },
  );
  return { ...mode, close: () => helper.close() };
}

/** A CachedStore that reloads `source`'s series whenever they changed. */
function cachedView(source: MemoryStorage, opts: CachedStoreOptions): StorageView {
  const store = new CachedStore(opts);
  let loaded = -1;
  return {
    async querier(): Promise<Querier> {
      if (loaded !== source.version) {
        loaded = source.version;
        const all = await source.querier();
        await store.load(await all.select([], ALL_TIME));
        all.close();
      }
      return store.querier();
    },
    close: () => store.clear(),
  };
}

const ALL_TIME = { start: Number.MIN_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER };

/** The runner's harness for `mode`: an engine set up as Prometheus's test engine, plus the mode's options. */
export function modeHarness(mode: StorageMode, parser?: QueryParser): Harness {
  const engine = new Engine({ ...ENGINE_OPTIONS, ...mode.engine });
  return {
    makeEngine: (queryable) => ({
      instantQuery: (q, t) => engine.instantQuery(queryable, q, t),
      rangeQuery: (q, start, end, step) => engine.rangeQuery(queryable, q, start, end, step),
    }),
    storage: mode,
    parser,
  };
}
