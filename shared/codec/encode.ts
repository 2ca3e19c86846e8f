import type { SampleBlock } from "../model/block.ts";
import type { MetricMetadata, MetricType } from "../model/sample.ts";
import type { Series } from "../model/series.ts";
import { classifyValue, KIND_FLOAT, KIND_STALE, MAX_SCALE } from "./values.ts";
import { ByteWriter, varintSize } from "./writer.ts";

/** Metric types in schema order (proto enum MetricType). */
export const METRIC_TYPES: readonly MetricType[] = [
  "unknown",
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "info",
  "stateset",
];

/**
 * Builds one `outpost.ingest.v1.Batch` incrementally: blocks of samples are encoded as they
 * arrive, so sealing a batch only concatenates buffers. Series are keyed by object identity
 * (producers reuse Series objects), strings by value. Not thread-safe; one per sink.
 */
export class BatchEncoder {
  private readonly stringIds = new Map<string, number>([["", 0]]);
  private readonly strings: string[] = [""];
  private readonly seriesIds = new Map<Series, number>();
  private prevRefs: number[] = [];
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
    labels: new ByteWriter(256),
  };
  private readonly mantissa = new Float64Array(1);
  /** Samples encoded since the last reset. */
  samples = 0;

  /** Number of distinct series in the batch so far. */
  get seriesCount(): number {
    return this.seriesIds.size;
  }

  /** Rough size of the encoded batch so far, in bytes (before compression). */
  get approximateBytes(): number {
    return this.seriesOut.pos + this.groupsOut.pos + this.metaOut.pos + this.stringBytes;
  }
  private stringBytes = 0;

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
    for (let i = 0; i < this.strings.length; i++) out.stringField(1, this.strings[i]);
    out.raw(this.seriesOut.bytes());
    out.raw(this.groupsOut.bytes());
    out.raw(this.metaOut.bytes());
    out.tag(5, 0);
    out.uvarint(createdMs);
    this.reset();
    return out.bytes();
  }

  /** Drops everything encoded so far. */
  reset(): void {
    this.stringIds.clear();
    this.stringIds.set("", 0);
    this.strings.length = 1;
    this.stringBytes = 0;
    this.seriesIds.clear();
    this.prevRefs = [];
    this.seriesOut.reset();
    this.groupsOut.reset();
    this.metaOut.reset();
    this.samples = 0;
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
    this.writeSeries(series);
    return idx;
  }

  private writeSeries(series: Series): void {
    const labels = series.labels;
    const refs: number[] = new Array(labels.length);
    for (let i = 0; i < labels.length; i++) refs[i] = this.stringId(labels[i]);
    const prev = this.prevRefs;
    let shared = 0;
    while (
      2 * shared + 1 < refs.length &&
      2 * shared + 1 < prev.length &&
      refs[2 * shared] === prev[2 * shared] &&
      refs[2 * shared + 1] === prev[2 * shared + 1]
    ) {
      shared++;
    }
    const w = this.scratch.labels;
    w.reset();
    w.uvarint(shared);
    for (let i = 2 * shared; i < refs.length; i++) w.uvarint(refs[i]);
    // Series message: field 1, packed; then wrapped as Batch field 2.
    const inner = w.bytes();
    this.seriesOut.tag(2, 2);
    this.seriesOut.uvarint(inner.length + 1 + varintSize(inner.length));
    this.seriesOut.lenField(1, inner);
    this.prevRefs = refs;
  }

  private stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
      this.stringBytes += s.length + 2;
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
