/**
 * A second thread for rate(), increase() and delta() over the query cache's slices. The
 * cache keeps its narrow values and timestamps in SharedArrayBuffers and tells the helper of
 * each entry it keeps or drops (CacheMirror); a query then offers the helper the blocks of
 * series whose slices live there, and the helper walks those it claims first with the same
 * code as the main thread (sliding_parts.ts) into a ring of result slots in shared memory.
 * The main thread walks the other blocks, takes the helper's results in series order and
 * folds everything, so sums are added in the same order as without the helper: results are
 * bit for bit the same. On a 2-core machine a 24 h `sum(rate(x[5m]))` over 6,696 series spends about
 * half its time walking slices, which is what moves to the second core.
 */
import { logger } from "../../../../shared/log/log.ts";
import type { Registry } from "../../../../shared/metrics/registry.ts";
import type { CachedSeries, CacheMirror } from "../../../storage/cache/cache.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { Limits } from "../limits.ts";
import {
  Control,
  type FoldJob,
  type FoldState,
  Owner,
  RING_SLOTS,
  type RingArrays,
  type WalkCall,
  type WalkJob,
} from "./parallel_rate_protocol.ts";

const log = logger("query");

/** Results of one series, as the helper left them in its ring slot. */
export interface HelperResult {
  readonly values: Float64Array;
  readonly present: Uint8Array;
  /** Steps that produced a value. */
  readonly count: number;
}

/**
 * The main thread's side of the helper thread. It mirrors one query cache: entries are known
 * by that cache's numbers, so two caches must not share a helper.
 */
export class RateHelper implements CacheMirror {
  private worker: Worker | null = null;
  private readonly registered = new Set<number>();
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
  private readonly touched = new Float64Array(new SharedArrayBuffer(8));
  private ring: RingArrays | null = null;
  private jobs = 0;
  private folds = 0;
  private running: JobControl | null = null;
  private broken = false;
  /** The entry holds() found registered last. */
  private lastHeld = -1;

  private readonly failures;

  /**
   * `pauseMs` holds the helper that long after it claims each block of a hand-off job: a
   * slow helper for tests, whose blocks the main thread then takes ahead of it.
   * `headStartMs` keeps the main thread off the helper's blocks that long after a hand-off
   * job starts, waiting for their results instead: for tests, a helper that gets its blocks
   * however busy the machine (a job is a message its thread may be slow to pick up).
   */
  constructor(
    registry?: Registry,
    private readonly pauseMs = 0,
    private readonly headStartMs = 0,
  ) {
    this.failures = registry?.counter(
      "outpost_query_helper_failures_total",
      "Jobs the rate helper thread failed; the main thread walked their series instead.",
    );
  }

  /**
   * The thread, started when the cache first keeps an entry: each thread is a JS heap of its
   * own (the two helpers were ~3.5 MB resident at rest), which an aggregator whose queries never
   * read Parquet does not need.
   */
  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL("./parallel_rate_worker.ts", import.meta.url).href);
    worker.addEventListener("message", (event: MessageEvent) => {
      if (event.data?.type !== "failed") return;
      this.failures?.inc();
      log.error("The rate helper thread failed a job", { error: event.data.message });
    });
    worker.addEventListener("error", (event: ErrorEvent) => {
      this.broken = true;
      log.error("The rate helper thread stopped; queries run on one thread", {
        error: event.message,
      });
    });
    worker.unref();
    worker.postMessage({
      type: "init",
      ctl: this.ctl,
      touched: this.touched,
      pauseMs: this.pauseMs,
    });
    this.worker = worker;
    return worker;
  }

  added(id: number, series: readonly CachedSeries[]): void {
    // A stopped or closed helper is never asked again; do not start a thread for it.
    if (this.broken) return;
    const times = new Map<Float64Array, number>();
    const n = series.length;
    const tsIndex = new Int32Array(n);
    const start = new Int32Array(n).fill(-1);
    const base = new Float64Array(n);
    const noDrops = new Uint8Array(n);
    // Each series' drops, side by side: those of series i are drops[dropsAt[i], dropsAt[i + 1]).
    const dropsAt = new Int32Array(n + 1);
    // The series that do not fit offsets: where their values start in the entry's shared
    // array of them, and whether they hold no staleness marker.
    const wideStart = new Int32Array(n).fill(-1);
    const clean = new Uint8Array(n);
    let buffer: ArrayBufferLike | null = null;
    let wide: ArrayBufferLike | null = null;
    series.forEach((s, i) => {
      const narrow = s.narrow;
      if (narrow !== undefined) {
        if (!(narrow.offsets.buffer instanceof SharedArrayBuffer)) return;
        buffer ??= narrow.offsets.buffer;
        if (narrow.offsets.buffer !== buffer) return;
        start[i] = narrow.offsets.byteOffset / 4;
        base[i] = narrow.base;
      } else {
        // Read only here: a joined narrow series' `values` is widened on every read.
        const values = s.values;
        if (!(values.buffer instanceof SharedArrayBuffer)) return;
        wide ??= values.buffer;
        if (values.buffer !== wide) return;
        wideStart[i] = values.byteOffset / 8;
        clean[i] = s.clean ? 1 : 0;
      }
      let t = times.get(s.timestamps);
      if (t === undefined) {
        t = times.size;
        times.set(s.timestamps, t);
      }
      tsIndex[i] = t;
      noDrops[i] = s.noDrops ? 1 : 0;
    });
    for (let i = 0; i < n; i++) dropsAt[i + 1] = dropsAt[i] + (series[i].drops?.length ?? 0);
    const drops = new Int32Array(dropsAt[n]);
    series.forEach((s, i) => {
      if (s.drops) drops.set(s.drops, dropsAt[i]);
    });
    if (buffer === null && wide === null) return;
    for (const ts of times.keys()) if (!(ts.buffer instanceof SharedArrayBuffer)) return;
    const message = { type: "add", id, buffer, times: [...times.keys()], tsIndex, start, base };
    this.thread().postMessage({ ...message, noDrops, dropsAt, drops, wide, wideStart, clean });
    this.registered.add(id);
  }

  dropped(id: number): void {
    if (this.lastHeld === id) this.lastHeld = -1;
    if (this.registered.delete(id)) this.thread().postMessage({ type: "drop", id });
  }

  /**
   * True when the helper can walk `parts`: every slice in an entry it holds, as narrow values
   * or as wide ones in shared memory, and, for a counter's narrow slice, its drops known (the
   * helper has no wide values of a narrow series to scan for resets).
   */
  holds(parts: readonly CachedPart[], counter: boolean): boolean {
    for (const p of parts) {
      const home = p.home;
      if (home === undefined) return false;
      if (p.narrow === undefined) {
        if (!(p.values.buffer instanceof SharedArrayBuffer)) return false;
      } else if (counter && !p.noDrops && p.drops === undefined) return false;
      // Series in a row mostly come from the same entries.
      if (home.entry !== this.lastHeld && !this.registered.has(home.entry)) return false;
      this.lastHeld = home.entry;
    }
    return true;
  }

  /**
   * Starts walking `series` (each its slices) in the helper, `block` series at a time: it
   * claims each block before walking it, and leaves those the main thread claimed first
   * (HelperJob.claim). Null when the helper is busy with an earlier query's job or has failed.
   */
  start(
    call: WalkCall,
    series: readonly (readonly CachedPart[])[],
    block: number,
  ): HelperJob | null {
    // A block must fit the ring, or the helper would wait for room that never comes.
    if (!this.idle() || block > RING_SLOTS) return null;
    const steps = call.ends.length;
    if (this.ring === null || this.ring.steps < steps) this.ring = ringFor(steps);
    const job = this.begin();
    const ctl = this.ctl;
    const owners = new Int32Array(new SharedArrayBuffer(4 * Math.ceil(series.length / block)));
    const message: WalkJob = {
      type: "job",
      job,
      call,
      parts: describe(series),
      ring: this.ring,
      block,
      owners,
    };
    this.thread().postMessage(message);
    const running = new HelperJob(ctl, this.touched, this.ring, job, steps, owners, this.shares);
    if (this.headStartMs > 0) running.claimsFrom = performance.now() + this.headStartMs;
    this.running = running;
    return running;
  }

  /**
   * Blocks of the hand-off jobs that ended well walked by each thread so far
   * (HelperJob.claim): how the work came to be shared.
   */
  readonly shares = { helper: 0, main: 0 };

  /**
   * Starts the helper claiming groups of `series` (group `g`: [groupStart[g],
   * groupStart[g + 1])) from `claims`, rating their series and folding each into its group
   * of `state` (helped_fold.ts); null when the helper is busy or has failed.
   */
  startFold(
    call: WalkCall,
    series: readonly (readonly CachedPart[])[],
    fold: { op: string; groupStart: Int32Array; claims: Int32Array; state: FoldState },
  ): FoldJobControl | null {
    if (!this.idle()) return null;
    const job = this.begin();
    this.folds++;
    const counts = new Int32Array(new SharedArrayBuffer(series.length * 4));
    const message: FoldJob = {
      type: "fold",
      job,
      call,
      parts: describe(series),
      ...fold,
      counts,
    };
    this.thread().postMessage(message);
    const running = new FoldJobControl(this.ctl, this.touched, job, counts);
    this.running = running;
    return running;
  }

  private idle(): boolean {
    return !this.broken && (this.running === null || this.running.settled());
  }

  /** Resets the control cells for a new job and returns its number. */
  private begin(): number {
    const job = ++this.jobs;
    const ctl = this.ctl;
    Atomics.store(ctl, Control.Produced, 0);
    Atomics.store(ctl, Control.Consumed, 0);
    Atomics.store(ctl, Control.Cancel, 0);
    Atomics.store(ctl, Control.Failed, 0);
    Atomics.store(ctl, Control.Job, job);
    this.touched[0] = 0;
    return job;
  }

  /** Jobs handed to the helper so far. */
  get jobsRun(): number {
    return this.jobs;
  }

  /** Of those, fold jobs (startFold). */
  get foldsRun(): number {
    return this.folds;
  }

  /** Stops the thread. */
  close(): void {
    this.broken = true;
    this.worker?.terminate();
  }
}

/** How long cancel() waits for the helper to stop a job, ms. */
const CANCEL_WAIT_MS = 5_000;

/** A job running in the helper: waiting for it, cancelling it, and what it touched. */
class JobControl {
  constructor(
    protected readonly ctl: Int32Array,
    private readonly touchedCell: Float64Array,
    private readonly job: number,
  ) {}

  /** Samples the helper's windows held; valid once the job settled. */
  get touched(): number {
    return this.touchedCell[0];
  }

  /** True when the job failed (the caller then does its work itself). */
  get failed(): boolean {
    return Atomics.load(this.ctl, Control.Failed) !== 0;
  }

  /**
   * Waits for the helper to finish the job (after the last take), letting other work run
   * meanwhile and checking the query's limits (which throw on a timeout).
   */
  async finish(limits: Limits): Promise<void> {
    const ctl = this.ctl;
    Atomics.store(ctl, Control.Consumed, 1 << 30);
    Atomics.notify(ctl, Control.Consumed);
    while (!this.settled()) {
      await waitChange(ctl, Control.Done, Atomics.load(ctl, Control.Done));
      limits.check();
    }
  }

  /**
   * Asks the helper to stop early (the query failed or timed out) and waits for it, at most
   * CANCEL_WAIT_MS: a helper that died outside a job's error handling never settles, and the
   * query must still end. Later queries then find the helper busy and go without it.
   */
  cancel(): void {
    const ctl = this.ctl;
    Atomics.store(ctl, Control.Cancel, 1);
    Atomics.store(ctl, Control.Consumed, 1 << 30);
    Atomics.notify(ctl, Control.Consumed);
    const until = performance.now() + CANCEL_WAIT_MS;
    while (!this.settled() && performance.now() < until) {
      Atomics.wait(ctl, Control.Done, Atomics.load(ctl, Control.Done), 20);
    }
  }

  /** True once the helper is done with this job. */
  settled(): boolean {
    return Atomics.load(this.ctl, Control.Done) === this.job;
  }
}

/** A fold job (startFold): once settled, its groups' state and each series' step count. */
export class FoldJobControl extends JobControl {
  constructor(
    ctl: Int32Array,
    touched: Float64Array,
    job: number,
    /** The steps each series produced, written by the helper. */
    readonly counts: Int32Array,
  ) {
    super(ctl, touched, job);
  }
}

/**
 * One query's series in the helper, taken back in order. Each block goes to the thread that
 * claims it first: the helper claims them in order as it goes, the main thread those it
 * reaches before the helper and, rather than wait for the helper's block, the next one the
 * helper has not reached (sliding.ts). So the threads share the work by how fast each is on
 * this machine, with no fixed split. The helper's results fill the ring in the order of its
 * own blocks, which the main thread knows from the claims.
 */
export class HelperJob extends JobControl {
  private consumed = 0;

  constructor(
    ctl: Int32Array,
    touched: Float64Array,
    private readonly ring: RingArrays,
    job: number,
    private readonly steps: number,
    /** Who claimed each block: 0 nobody yet, else an Owner. */
    private readonly owners: Int32Array,
    private readonly shares: { helper: number; main: number },
  ) {
    super(ctl, touched, job);
  }

  /** Before this time (performance.now()), the main thread claims no block (headStartMs). */
  claimsFrom = 0;

  /**
   * Claims block `j` for the main thread; false when it was claimed before (by either), or
   * while the helper has its head start.
   */
  claim(j: number): boolean {
    if (this.claimsFrom > 0 && performance.now() < this.claimsFrom) return false;
    return Atomics.compareExchange(this.owners, j, 0, Owner.Main) === 0;
  }

  override async finish(limits: Limits): Promise<void> {
    await super.finish(limits);
    // A failed job's blocks were walked by the main thread whoever claimed them.
    if (this.failed) return;
    for (const owner of this.owners) {
      if (owner === Owner.Helper) this.shares.helper++;
      else if (owner === Owner.Main) this.shares.main++;
    }
  }

  /**
   * True when the results of the job's `k`th series can be taken, or the helper failed;
   * frees the slot of the series taken before it.
   */
  ready(k: number): boolean {
    const ctl = this.ctl;
    // The slot read last is free again.
    if (k > 0 && this.consumed < k) {
      this.consumed = k;
      Atomics.store(ctl, Control.Consumed, k);
      Atomics.notify(ctl, Control.Consumed);
    }
    return Atomics.load(ctl, Control.Produced) > k || Atomics.load(ctl, Control.Failed) !== 0;
  }

  /**
   * Waits until ready(k), letting other work run meanwhile and checking the query's limits
   * (which throw on a timeout).
   */
  async waitFor(k: number, limits: Limits): Promise<void> {
    const ctl = this.ctl;
    while (!this.ready(k)) {
      await waitChange(ctl, Control.Produced, Atomics.load(ctl, Control.Produced));
      limits.check();
    }
  }

  /**
   * The results of the job's `k`th series (k counting up from 0, each once) once ready(k).
   * Null when the helper failed: the caller then walks the series itself. Valid until the
   * next call.
   */
  take(k: number): HelperResult | null {
    if (Atomics.load(this.ctl, Control.Produced) <= k) return null;
    const slot = k % RING_SLOTS;
    const at = slot * this.ring.steps;
    return {
      values: this.ring.values.subarray(at, at + this.steps),
      present: this.ring.present.subarray(at, at + this.steps),
      count: this.ring.counts[slot],
    };
  }
}

/**
 * Resolves when `ctl[index]` is no longer `value`, or after about 20 ms. It blocks the thread
 * for at most 1 ms first (the helper is mostly that close to done, and an asynchronous wait
 * costs a turn of the event loop), then waits without blocking, so that other queries and
 * requests run meanwhile.
 */
async function waitChange(ctl: Int32Array, index: number, value: number): Promise<void> {
  if (Atomics.wait(ctl, index, value, 1) !== "timed-out") return;
  const waited = Atomics.waitAsync(ctl, index, value, 20);
  if (waited.async) await waited.value;
}

function ringFor(steps: number): RingArrays {
  return {
    steps,
    values: new Float64Array(new SharedArrayBuffer(RING_SLOTS * steps * 8)),
    present: new Uint8Array(new SharedArrayBuffer(RING_SLOTS * steps)),
    counts: new Int32Array(new SharedArrayBuffer(RING_SLOTS * 4)),
  };
}

/** The slices of each series as [count, (entry, index, lo, hi) × count] runs. */
function describe(series: readonly (readonly CachedPart[])[]): Int32Array {
  let n = 1;
  for (const parts of series) n += 1 + 4 * parts.length;
  const out = new Int32Array(n);
  out[0] = series.length;
  let at = 1;
  for (const parts of series) {
    out[at++] = parts.length;
    for (const p of parts) {
      const home = p.home!;
      out[at++] = home.entry;
      out[at++] = home.index;
      out[at++] = home.lo;
      out[at++] = home.hi;
    }
  }
  return out;
}
