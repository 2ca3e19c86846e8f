import type { SampleBlock } from "../model/block.ts";
import { compareNames, type Labels } from "../model/labels.ts";
import type { LogRecord } from "../model/log.ts";
import { METRIC_TYPES, type MetricMetadata } from "../model/sample.ts";
import type { Series } from "../model/series.ts";
import { LogColumns } from "./encode_logs.ts";
import { JOURNAL_SECTIONS, writeSampleSections } from "./journal.ts";
import { classifyValue, KIND_FLOAT, KIND_STALE, MAX_SCALE } from "./values.ts";
import { ByteWriter } from "./writer.ts";

/**
 * Builds one `outpost.ingest.v1.Batch` incrementally: blocks of samples are encoded as they
 * arrive, so sealing a batch only concatenates buffers. Series are keyed by object identity
 * (producers reuse Series objects), strings by value. Not thread-safe; one per sink.
 */
export class BatchEncoder {
  private readonly stringIds = new Map<string, number>([["", 0]]);
  private readonly stringData = new ByteWriter();
  private readonly stringLengths = new ByteWriter(1024);
  private readonly seriesIds = new Map<Series, number>();
  private prevLabels: readonly string[] = emptyOf("");
  private readonly removed: number[] = emptyOf(0);
  private readonly changed: number[] = emptyOf(0);
  private lastKind = new Int8Array(1024);
  private lastMantissa = new Float64Array(1024);
  private readonly seriesOut = new ByteWriter();
  private readonly groupsOut = new ByteWriter();
  private readonly metaOut = new ByteWriter();
  private readonly scratch = {
    deltas: new ByteWriter(),
    kinds: new ByteWriter(),
    mantissas: new ByteWriter(),
    floats: new ByteWriter(),
    offsets: new ByteWriter(),
    group: new ByteWriter(),
  };
  private readonly mantissa = new Float64Array(1);
  /** Log streams by label-array identity, then by content (stages build new arrays per line). */
  private readonly streamIds = new Map<Labels, number>();
  private readonly streamKeys = new Map<string, number>();
  private readonly logs = new LogColumns();
  private readonly fieldRefs: number[] = emptyOf(0);
  /** Samples encoded since the last reset. */
  samples = 0;
  /** Where each journalled section stood, and the sample count, at the last `journal()`. */
  private readonly journalMarks = new Int32Array(JOURNAL_SECTIONS);
  private journalSamples = 0;

  constructor() {
    this.stringLengths.uvarint(0); // string 0 is ""
  }

  /** Number of distinct series in the batch so far. */
  get seriesCount(): number {
    return this.seriesIds.size;
  }

  /** Rough size of the encoded batch so far, in bytes (before compression). */
  get approximateBytes(): number {
    return (
      this.logs.approximateBytes +
      this.seriesOut.pos +
      this.groupsOut.pos +
      this.metaOut.pos +
      this.stringData.pos +
      this.stringLengths.pos
    );
  }

  /** Encodes rows [from, to) of `block` as one sample group. */
  addBlock(block: SampleBlock, from = 0, to = block.length): void {
    if (to <= from) return;
    const { deltas, kinds, mantissas, floats, offsets, group } = this.scratch;
    for (const w of [deltas, kinds, mantissas, floats, offsets, group]) w.reset();
    const groupTs = Math.round(block.timestamps[from]);
    const words = block.valueWords;
    let prev = -1;
    let allDecimal0 = true;
    let anyOffset = false;
    for (let i = from; i < to; i++) {
      const idx = this.seriesId(block.series[i]);
      deltas.svarint(idx - prev - 1);
      prev = idx;
      const kind = this.encodeValue(block, words, i, idx);
      kinds.uvarint(kind);
      if (kind !== 0) allDecimal0 = false;
      const off = Math.round(block.timestamps[i]) - groupTs;
      offsets.svarint(off);
      if (off !== 0) anyOffset = true;
    }
    group.tag(1, 0);
    group.svarint(groupTs);
    group.lenField(2, deltas.bytes());
    if (!allDecimal0) group.lenField(3, kinds.bytes());
    if (mantissas.pos > 0) group.lenField(4, mantissas.bytes());
    if (floats.pos > 0) group.lenField(5, floats.bytes());
    if (anyOffset) group.lenField(6, offsets.bytes());
    this.groupsOut.lenField(3, group.bytes());
    this.samples += to - from;
  }

  /** Log records encoded since the last reset. */
  get logCount(): number {
    return this.logs.count;
  }

  /** Whether a log record at `timeNs` fits the open batch (see LogColumns.fits). */
  logFits(timeNs: bigint): boolean {
    return this.logs.fits(timeNs);
  }

  /** Adds one log record (a batch should carry either samples or logs, as its subject says). */
  addLog(record: LogRecord): void {
    const refs = this.fieldRefs;
    refs.length = 0;
    const f = record.fields;
    for (let i = 0; i + 1 < f.length; i += 2)
      refs.push(this.stringId(f[i]), this.stringId(f[i + 1]));
    this.logs.add(this.streamId(record.labels), record.timeNs, record.line, refs);
  }

  /** Adds HELP/TYPE/UNIT of one metric family. */
  addMetadata(meta: MetricMetadata): void {
    const w = this.scratch.group;
    w.reset();
    w.tag(1, 0);
    w.uvarint(this.stringId(meta.name));
    const type = METRIC_TYPES.indexOf(meta.type);
    if (type > 0) {
      w.tag(2, 0);
      w.uvarint(type);
    }
    if (meta.help) {
      w.tag(3, 0);
      w.uvarint(this.stringId(meta.help));
    }
    if (meta.unit) {
      w.tag(4, 0);
      w.uvarint(this.stringId(meta.unit));
    }
    this.metaOut.lenField(4, w.bytes());
  }

  /** Seals the batch: returns its protobuf bytes (a fresh copy) and resets the encoder. */
  finish(createdMs: number = Date.now()): Uint8Array {
    const out = new ByteWriter(this.approximateBytes + 64);
    writeSampleSections(out, this.journalled());
    out.raw(this.metaOut.bytes());
    if (this.logs.count > 0) out.lenField(16, this.logs.bytes());
    out.tag(5, 0);
    out.uvarint(createdMs);
    this.reset();
    return out.bytes();
  }

  /**
   * Appends to `out` what the sample sections gained since the last call (or reset) as one
   * journal record, and returns the samples it adds. `assembleJournal()` rebuilds a batch from
   * its records: the agent's write-ahead log of the open batch is made of them, so a scrape is
   * on disk as the few bytes it added to the batch, not encoded a second time. Metadata and
   * logs are not journalled (metadata is re-sent by a restarted agent anyway).
   */
  journal(out: ByteWriter): number {
    const sections = this.journalled();
    const samples = this.samples - this.journalSamples;
    out.uvarint(samples);
    for (let i = 0; i < JOURNAL_SECTIONS; i++) {
      const gained = sections[i].subarray(this.journalMarks[i]);
      out.uvarint(gained.length);
      out.raw(gained);
      this.journalMarks[i] = sections[i].length;
    }
    this.journalSamples = this.samples;
    return samples;
  }

  /** Drops everything encoded so far. */
  reset(): void {
    this.stringIds.clear();
    this.stringIds.set("", 0);
    this.stringData.reset();
    this.stringLengths.reset();
    this.stringLengths.uvarint(0);
    this.seriesIds.clear();
    this.streamIds.clear();
    this.streamKeys.clear();
    this.logs.reset();
    this.prevLabels = emptyOf("");
    this.seriesOut.reset();
    this.groupsOut.reset();
    this.metaOut.reset();
    this.samples = 0;
    this.journalMarks.fill(0);
    this.journalSamples = 0;
  }

  /** The sections a journal record carries, in the order of JOURNAL_SECTIONS. */
  private journalled(): Uint8Array[] {
    return [
      this.stringData.bytes(),
      this.stringLengths.bytes(),
      this.seriesOut.bytes(),
      this.groupsOut.bytes(),
    ];
  }

  private encodeValue(block: SampleBlock, words: Uint32Array, i: number, idx: number): number {
    const { mantissas, floats } = this.scratch;
    if (block.isStale(i)) {
      this.lastKind[idx] = -1;
      return KIND_STALE;
    }
    const kind = classifyValue(block.values[i], this.mantissa);
    if (kind > MAX_SCALE) {
      floats.doubleWords(words[2 * i], words[2 * i + 1]);
      this.lastKind[idx] = -1;
      return KIND_FLOAT;
    }
    const m = this.mantissa[0];
    mantissas.svarint(this.lastKind[idx] === kind ? m - this.lastMantissa[idx] : m);
    this.lastKind[idx] = kind;
    this.lastMantissa[idx] = m;
    return kind;
  }

  private seriesId(series: Series): number {
    const known = this.seriesIds.get(series);
    if (known !== undefined) return known;
    const idx = this.seriesIds.size;
    this.seriesIds.set(series, idx);
    if (idx >= this.lastKind.length) this.growSeriesState();
    this.lastKind[idx] = -1;
    this.writeSeries(series.labels);
    return idx;
  }

  /** A log stream's index in the batch's series table (streams and series share it). */
  private streamId(labels: Labels): number {
    const known = this.streamIds.get(labels);
    if (known !== undefined) return known;
    const key = labels.join("\xff");
    let idx = this.streamKeys.get(key);
    if (idx === undefined) {
      idx = this.streamKeys.size;
      this.streamKeys.set(key, idx);
      this.writeSeries(labels);
    }
    this.streamIds.set(labels, idx);
    return idx;
  }

  /**
   * Writes a series as the difference from the previous one: the names it drops, then the
   * pairs it adds or changes. Labels every series of a target shares (job, instance) are thus
   * sent once per batch, wherever they sort.
   */
  private writeSeries(labels: Labels): void {
    const prev = this.prevLabels;
    const removed = this.removed;
    const changed = this.changed;
    removed.length = 0;
    changed.length = 0;
    let i = 0;
    let j = 0;
    while (i < prev.length || j < labels.length) {
      const order = walkOrder(prev, i, labels, j);
      if (order < 0) {
        removed.push(this.stringId(prev[i]));
        i += 2;
      } else if (order > 0) {
        changed.push(this.stringId(labels[j]), this.stringId(labels[j + 1]));
        j += 2;
      } else {
        if (prev[i + 1] !== labels[j + 1])
          changed.push(this.stringId(labels[j]), this.stringId(labels[j + 1]));
        i += 2;
        j += 2;
      }
    }
    // Batch.series_labels (packed): k, removed names, m, changed pairs.
    const w = this.seriesOut;
    w.uvarint(removed.length);
    for (const ref of removed) w.uvarint(ref);
    w.uvarint(changed.length / 2);
    for (const ref of changed) w.uvarint(ref);
    this.prevLabels = labels;
  }

  private stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.stringIds.size;
      this.stringIds.set(s, id);
      this.stringLengths.uvarint(this.stringData.utf8(s));
    }
    return id;
  }

  private growSeriesState(): void {
    const kinds = new Int8Array(this.lastKind.length * 2);
    kinds.set(this.lastKind);
    const mants = new Float64Array(this.lastMantissa.length * 2);
    mants.set(this.lastMantissa);
    this.lastKind = kinds;
    this.lastMantissa = mants;
  }
}

/**
 * An empty array already of the kind of `like` (integers, strings). A literal `[]` starts
 * "undecided" and changes kind at its first push: JavaScriptCore's optimized code for
 * writeSeries, compiled against filled arrays, met every new encoder's undecided ones and was
 * thrown away and compiled again (80–125 ms at its top tier) every minute or two in an
 * aggregator publishing rule output (docs/benchmarks.md, "The JIT's first minutes").
 */
function emptyOf<T>(like: T): T[] {
  const a = [like];
  a.length = 0;
  return a;
}

/**
 * Where name `prev[i]` stands against `labels[j]` in a merge walk of two sets in label order
 * (an exhausted side sorts last); most names match the previous series', hence the `===` first.
 */
function walkOrder(prev: Labels, i: number, labels: Labels, j: number): number {
  if (j >= labels.length) return -1;
  if (i >= prev.length) return 1;
  return prev[i] === labels[j] ? 0 : compareNames(prev[i], labels[j]);
}
