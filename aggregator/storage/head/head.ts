/**
 * The head: the newest samples of one tenant in memory, queryable as soon as they arrive,
 * until a flush has written them to Parquet and they have aged out. Samples are encoded per
 * series (chunk.ts), series are found through a label index (postings.ts).
 *
 * Bookkeeping for flushes: `cut()` hands out everything appended since the previous cut and the
 * refs (stream sequences) it came from; only cut samples may be dropped, by `truncate()` (age)
 * or when the head passes `maxBytes` (oldest first). Because drops go by time, the head holds
 * every sample at or after `minTime()`: a union querier reads older ones from Parquet.
 */
import type { DecodedBatch, DecodedSamples } from "../../../shared/codec/decode.ts";
import { type Labels, labelValue } from "../../../shared/model/labels.ts";
import type {
  LabelMatcher,
  Querier,
  Queryable,
  SampleRows,
  SeriesSamples,
  TimeRange,
} from "../storage.ts";
import { PAGE_BYTES } from "./arena.ts";
import { CHUNK_SAMPLES, ChunkEncoder, chunkCount } from "./chunk.ts";
import {
  closeOpen,
  decodeRange,
  hasOpen,
  holdsSamples,
  loadEncoder,
  oldestTime,
  openAt,
  Scratch,
  storeEncoder,
} from "./chunks.ts";
import { dropBefore, Eviction } from "./evict.ts";
import { insertSample } from "./insert.ts";
import { HeadQuerier } from "./querier.ts";
import { RowsBuilder } from "./rows.ts";
import { SeriesTable } from "./series.ts";
import { OpenChunkTails } from "./tails.ts";

/** Options of a head. */
export interface HeadOptions {
  /** Memory the head may hold; past it, cut samples are dropped oldest first. */
  maxBytes?: number;
  /**
   * Decode every read's open chunks whole (the reference) instead of going on from a decoded
   * copy of the series' last read (tails.ts).
   */
  reference?: boolean;
}

/** What the head holds. */
export interface HeadStats {
  series: number;
  samples: number;
  /** Estimated bytes of memory held. */
  bytes: number;
}

/** What `cut()` hands to a flush. */
export interface HeadCut {
  /** Every sample appended since the previous cut. */
  rows: SampleRows;
  /** The distinct refs appended since the previous cut, ascending. */
  refs: number[];
}

/** Recent samples of one tenant, in memory. */
export class Head implements Queryable {
  readonly maxBytes: number;
  readonly table = new SeriesTable();
  private readonly enc = new ChunkEncoder();
  private readonly scratch = new Scratch();
  private readonly eviction = new Eviction();
  private late = new RowsBuilder();
  private readonly lateIds = new Set<number>();
  private refs = new Set<number>();
  private ids = new Int32Array(1024);
  private samples = 0;
  private oldest = Number.POSITIVE_INFINITY;
  private newest = Number.NEGATIVE_INFINITY;
  private watermark = Number.NEGATIVE_INFINITY;
  /** Running mean of the size of the chunks closed so far. */
  private typicalChunk = 0;
  /** Decoded open chunks of the series queries read (none in reference mode). */
  private readonly tails: OpenChunkTails | undefined;

  constructor(opts: HeadOptions = {}) {
    this.maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    this.tails = opts.reference ? undefined : new OpenChunkTails();
  }

  /**
   * Adds the samples of a decoded batch; `ref` (its stream sequence) is reported by `cut()`.
   * Series it would create past `maxSeries` held are not created, and their samples are
   * dropped: returns how many (existing series keep theirs, as Mimir's per-tenant limit does).
   */
  append(batch: DecodedBatch, ref: number, maxSeries = Number.POSITIVE_INFINITY): number {
    return this.appendRows(batch.series, batch.samples, ref, maxSeries);
  }

  /**
   * Adds columnar samples whose `series[i]` indexes `labels`; `ref` and `maxSeries` as in
   * `append`. Returns the samples dropped.
   */
  appendRows(
    labels: readonly Labels[],
    samples: DecodedSamples,
    ref?: number,
    maxSeries = Number.POSITIVE_INFINITY,
  ): number {
    const ids = this.resolve(labels, maxSeries);
    const { length, series, timestamps, values, valueWords } = samples;
    const t = this.table;
    let dropped = 0;
    for (let i = 0; i < length; i++) {
      const id = ids[series[i]];
      if (id < 0) {
        dropped++;
        continue;
      }
      const ts = timestamps[i];
      if (ts > t.lastTs[id] && ts > t.cutTs[id]) {
        this.appendNewest(id, ts, values[i], valueWords[2 * i], valueWords[2 * i + 1]);
      } else this.appendOld(id, ts, values[i], valueWords[2 * i], valueWords[2 * i + 1]);
    }
    if (ref !== undefined) this.refs.add(ref);
    if (this.eviction.armed && this.overLimit()) this.evict();
    return dropped;
  }

  /** Hands out the samples and refs appended since the previous cut (see HeadCut). */
  cut(): HeadCut {
    const t = this.table;
    const rows = new RowsBuilder();
    const refs: SampleRows["series"][number][] = [];
    const local = new Int32Array(t.end()).fill(-1);
    const s = this.scratch;
    for (let id = 0; id < t.end(); id++) {
      if (!t.alive(id) || t.lastTs[id] <= t.cutTs[id]) continue;
      const since = t.cutTs[id];
      const n = decodeRange(t, id, since, Number.POSITIVE_INFINITY, s);
      let k = 0;
      while (k < n && s.timestamps[k] <= since) k++;
      local[id] = refs.push(this.seriesRef(id)) - 1;
      rows.pushRun(local[id], s, k, n);
      t.cutTs[id] = t.lastTs[id];
    }
    const late = this.late;
    for (let j = 0; j < late.length; j++) {
      const id = late.seriesIndex[j];
      if (local[id] < 0) local[id] = refs.push(this.seriesRef(id)) - 1;
      rows.push(local[id], late.timestamps[j], late.valueWords[2 * j], late.valueWords[2 * j + 1]);
    }
    this.late = new RowsBuilder();
    this.lateIds.clear();
    const cutRefs = [...this.refs].sort((a, b) => a - b);
    this.refs = new Set();
    this.eviction.armed = true;
    if (this.overLimit()) this.evict();
    return { rows: rows.build(refs), refs: cutRefs };
  }

  /**
   * Drops cut samples older than `beforeMs` (whole chunks), and forgets series left with no
   * sample and none newer than `beforeMs`: an idle series goes after the retention passed here.
   */
  truncate(beforeMs: number): void {
    this.dropBefore(beforeMs);
    const t = this.table;
    const removed: number[] = [];
    for (let id = 0; id < t.end(); id++) {
      if (!t.alive(id) || holdsSamples(t, id) || t.lastTs[id] >= beforeMs) continue;
      if (!this.lateIds.has(id)) removed.push(id);
    }
    t.remove(removed);
    this.tails?.forget(removed);
  }

  /** The time from which the head holds every sample it was given (Infinity when empty). */
  minTime(): number {
    return Math.max(this.watermark, this.oldest);
  }

  /** Series, samples and estimated bytes held. */
  stats(): HeadStats {
    return { series: this.table.live, samples: this.samples, bytes: this.bytes() };
  }

  /** Bytes of the decoded copies kept for series read again and again (tails.ts; not in `stats`). */
  copyBytes(): number {
    return 16 * (this.tails?.samples() ?? 0);
  }

  /** True when the head holds more than `maxBytes`: ingest should flush (then cut data goes). */
  overLimit(): boolean {
    return this.bytes() > this.maxBytes;
  }

  /** Opens a querier over the samples in memory. */
  querier(): Promise<Querier> {
    return Promise.resolve(new HeadQuerier(this));
  }

  /** Ids of the live series matching `matchers` that hold samples in `range`. */
  async matchingSeries(matchers: readonly LabelMatcher[], range: TimeRange): Promise<number[]> {
    const t = this.table;
    const ids = await t.postings.select(matchers, () => this.liveIds());
    return ids.filter(
      (id) => holdsSamples(t, id) && t.lastTs[id] >= range.start && oldestTime(t, id) <= range.end,
    );
  }

  /** The samples of series `id` in `range` (copied), or undefined when it has none there. */
  seriesSamples(id: number, range: TimeRange): SeriesSamples | undefined {
    const s = this.scratch;
    const n = decodeRange(this.table, id, range.start, range.end, s, this.tails);
    let from = 0;
    while (from < n && s.timestamps[from] < range.start) from++;
    let to = n;
    while (to > from && s.timestamps[to - 1] > range.end) to--;
    if (to === from) return undefined;
    return {
      labels: this.table.labelsOf(id),
      length: to - from,
      timestamps: s.timestamps.slice(from, to),
      values: s.values.slice(from, to),
    };
  }

  /** True when `range` meets the time span of the samples held. */
  overlaps(range: TimeRange): boolean {
    return range.start <= this.newest && range.end >= this.oldest;
  }

  private liveIds(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.table.end(); id++) if (this.table.alive(id)) out.push(id);
    return out;
  }

  /** The id of each series, created if new; -1 for a new one past `maxSeries`. */
  private resolve(labels: readonly Labels[], maxSeries: number): Int32Array {
    if (this.ids.length < labels.length) this.ids = new Int32Array(2 * labels.length);
    const ids = this.ids;
    const t = this.table;
    let prev = -1;
    for (let i = 0; i < labels.length; i++) {
      let id = t.lookup(labels[i], prev);
      if (id < 0) {
        if (t.live >= maxSeries) {
          ids[i] = -1;
          continue;
        }
        id = t.create(labels[i], prev);
      }
      ids[i] = prev = id;
    }
    return ids;
  }

  private appendNewest(id: number, ts: number, v: number, lo: number, hi: number): void {
    const t = this.table;
    const e = this.enc;
    const buf = t.bufs[id];
    const open = hasOpen(t, id);
    if (open && chunkCount(buf, openAt(t, id)) < CHUNK_SAMPLES) loadEncoder(t, id, e);
    else {
      // The buffer, sized by the chunks before, is reused for the next one; a new series
      // starts with room for a typical chunk rather than growing into it step by step.
      if (open) this.typicalChunk += (closeOpen(t, id) - this.typicalChunk) / 64;
      e.begin(buf, openAt(t, id), ts, this.typicalChunk);
    }
    e.append(ts, v, lo, hi);
    if (e.buf !== buf) t.bufBytes += e.buf.length - buf.length;
    storeEncoder(t, id, e);
    t.lastLo[id] = lo;
    t.lastHi[id] = hi;
    this.samples++;
    if (ts < this.oldest) this.oldest = ts;
    if (ts > this.newest) this.newest = ts;
  }

  /** A sample not newer than the series' last one, or at a time already cut. */
  private appendOld(id: number, ts: number, v: number, lo: number, hi: number): void {
    const t = this.table;
    if (ts === t.lastTs[id] && lo === t.lastLo[id] && hi === t.lastHi[id]) return;
    const holds = holdsSamples(t, id);
    if (!holds || ts > t.lastTs[id]) {
      if (!holds) t.lastTs[id] = Number.NEGATIVE_INFINITY;
      this.appendNewest(id, ts, v, lo, hi);
    } else {
      const before = t.bufs[id].length;
      const what = insertSample(t, id, ts, lo, hi, this.enc, this.scratch);
      if (what === "nothing") return;
      t.bufBytes += t.bufs[id].length - before;
      if (what === "added") this.samples++;
      if (ts < this.oldest) this.oldest = ts;
      if (ts === t.lastTs[id]) {
        t.lastLo[id] = lo;
        t.lastHi[id] = hi;
      }
    }
    if (ts <= t.cutTs[id]) {
      this.late.push(id, ts, lo, hi);
      this.lateIds.add(id);
    }
  }

  private seriesRef(id: number): SampleRows["series"][number] {
    const labels = this.table.labelsOf(id);
    return { labels, hash: this.table.hashes[id], metric: labelValue(labels, "__name__") };
  }

  private bytes(): number {
    const t = this.table;
    const data = t.bufBytes + t.arena.pageCount * PAGE_BYTES;
    return data + t.overheadBytes() + this.late.bytes();
  }

  /** Drops cut chunks until the head is back under 90% of `maxBytes` (or nothing cut is left). */
  private evict(): void {
    const before = this.eviction.cutoff(this.table, this.bytes() - 0.9 * this.maxBytes);
    if (before > Number.NEGATIVE_INFINITY) this.dropBefore(before);
    if (this.overLimit()) this.eviction.armed = false;
  }

  private dropBefore(before: number): void {
    const { dropped, oldest } = dropBefore(this.table, before);
    this.samples -= dropped;
    this.oldest = oldest;
    if (before > this.watermark) this.watermark = before;
  }
}
