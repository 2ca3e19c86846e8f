import type { Labels } from "../model/labels.ts";
import { type MetricMetadata, writeStale } from "../model/sample.ts";
import { METRIC_TYPES } from "./encode.ts";
import { ByteReader } from "./reader.ts";
import { KIND_FLOAT, KIND_STALE, MAX_SCALE, POW10 } from "./values.ts";

/** The samples of a decoded batch as columns; `series[i]` indexes `DecodedBatch.series`. */
export interface DecodedSamples {
  length: number;
  series: Int32Array;
  timestamps: Float64Array;
  values: Float64Array;
  /** `values` seen as 32-bit words: the staleness marker's bits survive only here. */
  valueWords: Uint32Array;
}

/** A decoded `outpost.ingest.v1.Batch`. */
export interface DecodedBatch {
  series: Labels[];
  samples: DecodedSamples;
  metadata: MetricMetadata[];
  createdMs: number;
}

interface Region {
  start: number;
  end: number;
}

/**
 * Decodes and validates one batch from untrusted bytes. Throws a RangeError or TypeError that
 * says what is wrong; never returns a partially valid batch.
 */
export function decodeBatch(bytes: Uint8Array): DecodedBatch {
  const r = new ByteReader(bytes);
  const strings: string[] = [];
  const seriesRegions: Region[] = [];
  const groupRegions: Region[] = [];
  const metaRegions: Region[] = [];
  let createdMs = 0;
  while (r.more()) {
    const tag = r.uvarint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 2 && field >= 1 && field <= 4) {
      if (field === 1) {
        strings.push(r.string());
        continue;
      }
      const end = r.delimitedEnd("a message");
      const list = field === 2 ? seriesRegions : field === 3 ? groupRegions : metaRegions;
      list.push({ start: r.pos, end });
      r.pos = end;
    } else if (field === 5 && wire === 0) {
      createdMs = r.uvarint();
    } else {
      r.skip(wire);
    }
  }
  if (strings.length === 0 || strings[0] !== "") {
    throw new TypeError("Cannot decode batch: the string table must start with the empty string");
  }
  const series = decodeSeries(bytes, seriesRegions, strings);
  const samples = decodeGroups(bytes, groupRegions, series.length);
  const metadata = metaRegions.map((reg) => decodeMetadata(bytes, reg, strings));
  return { series, samples, metadata, createdMs };
}

function stringAt(strings: string[], ref: number, what: string): string {
  if (ref >= strings.length)
    throw new RangeError(
      `Cannot decode batch: ${what} refers to string ${ref} of ${strings.length}`,
    );
  return strings[ref];
}

function decodeSeries(bytes: Uint8Array, regions: Region[], strings: string[]): Labels[] {
  const out: Labels[] = new Array(regions.length);
  let prev: string[] = [];
  for (let s = 0; s < regions.length; s++) {
    const r = new ByteReader(bytes, regions[s].start, regions[s].end);
    const refs: number[] = [];
    while (r.more()) {
      const tag = r.uvarint();
      if (tag === (1 << 3) + 2) {
        const end = r.delimitedEnd("series labels");
        while (r.pos < end) refs.push(r.uvarint());
      } else if (tag === (1 << 3) + 0) {
        refs.push(r.uvarint());
      } else r.skip(tag & 7);
    }
    if (refs.length === 0 || (refs.length - 1) % 2 !== 0) {
      throw new TypeError(`Cannot decode batch: series ${s} has an odd number of label references`);
    }
    const shared = refs[0];
    if (2 * shared > prev.length)
      throw new RangeError(
        `Cannot decode batch: series ${s} shares more labels than its predecessor has`,
      );
    const labels = prev.slice(0, 2 * shared);
    for (let i = 1; i < refs.length; i++) labels.push(stringAt(strings, refs[i], `series ${s}`));
    for (let i = 0; i < labels.length; i += 2) {
      if (labels[i] === "" || (i > 0 && labels[i - 2] >= labels[i])) {
        throw new TypeError(
          `Cannot decode batch: series ${s} has empty, unsorted or repeated label names`,
        );
      }
    }
    out[s] = labels;
    prev = labels;
  }
  return out;
}

function decodeMetadata(bytes: Uint8Array, reg: Region, strings: string[]): MetricMetadata {
  const r = new ByteReader(bytes, reg.start, reg.end);
  const meta: MetricMetadata = { name: "", type: "unknown", help: "", unit: "" };
  while (r.more()) {
    const tag = r.uvarint();
    const field = Math.floor(tag / 8);
    if ((tag & 7) !== 0 || field < 1 || field > 4) {
      r.skip(tag & 7);
      continue;
    }
    const v = r.uvarint();
    if (field === 2) meta.type = METRIC_TYPES[v] ?? "unknown";
    else {
      const s = stringAt(strings, v, "metadata");
      if (field === 1) meta.name = s;
      else if (field === 3) meta.help = s;
      else meta.unit = s;
    }
  }
  return meta;
}

class Columns implements DecodedSamples {
  length = 0;
  series = new Int32Array(1024);
  timestamps = new Float64Array(1024);
  values = new Float64Array(1024);
  valueWords = new Uint32Array(this.values.buffer);

  reserve(n: number): void {
    if (this.length + n <= this.series.length) return;
    let cap = this.series.length * 2;
    while (cap < this.length + n) cap *= 2;
    const series = new Int32Array(cap);
    series.set(this.series);
    const ts = new Float64Array(cap);
    ts.set(this.timestamps);
    const vals = new Float64Array(cap);
    vals.set(this.values);
    this.series = series;
    this.timestamps = ts;
    this.values = vals;
    this.valueWords = new Uint32Array(vals.buffer);
  }
}

function readPacked(r: ByteReader, into: number[], signed: boolean): void {
  const end = r.delimitedEnd("a packed field");
  const inner = new ByteReader(r.buf, r.pos, end);
  while (inner.more()) into.push(signed ? inner.svarint() : inner.uvarint());
  r.pos = end;
}

function decodeGroups(bytes: Uint8Array, regions: Region[], seriesCount: number): DecodedSamples {
  const cols = new Columns();
  const lastKind = new Int8Array(seriesCount).fill(-1);
  const lastMantissa = new Float64Array(seriesCount);
  for (let g = 0; g < regions.length; g++) {
    const r = new ByteReader(bytes, regions[g].start, regions[g].end);
    let ts = 0;
    const deltas: number[] = [];
    const kinds: number[] = [];
    const mantissas: number[] = [];
    const offsets: number[] = [];
    let floats: Region = { start: 0, end: 0 };
    while (r.more()) {
      const tag = r.uvarint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 1 && wire === 0) ts = r.svarint();
      else if (field === 2 && wire === 2) readPacked(r, deltas, true);
      else if (field === 3 && wire === 2) readPacked(r, kinds, false);
      else if (field === 4 && wire === 2) readPacked(r, mantissas, true);
      else if (field === 6 && wire === 2) readPacked(r, offsets, true);
      else if (field === 5 && wire === 2) {
        const end = r.delimitedEnd("floats");
        floats = { start: r.pos, end };
        r.pos = end;
      } else r.skip(wire);
    }
    const n = deltas.length;
    if (
      (kinds.length !== 0 && kinds.length !== n) ||
      (offsets.length !== 0 && offsets.length !== n)
    ) {
      throw new TypeError(`Cannot decode batch: group ${g} has columns of different lengths`);
    }
    cols.reserve(n);
    const fr = new ByteReader(bytes, floats.start, floats.end);
    let prev = -1;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const idx = prev + 1 + deltas[i];
      if (idx < 0 || idx >= seriesCount)
        throw new RangeError(
          `Cannot decode batch: group ${g} refers to series ${idx} of ${seriesCount}`,
        );
      prev = idx;
      const row = cols.length++;
      cols.series[row] = idx;
      cols.timestamps[row] = ts + (offsets.length ? offsets[i] : 0);
      const kind = kinds.length ? kinds[i] : 0;
      if (kind <= MAX_SCALE) {
        if (m >= mantissas.length)
          throw new RangeError(`Cannot decode batch: group ${g} has too few mantissas`);
        const mant = lastKind[idx] === kind ? lastMantissa[idx] + mantissas[m++] : mantissas[m++];
        lastKind[idx] = kind;
        lastMantissa[idx] = mant;
        cols.values[row] = mant / POW10[kind];
      } else if (kind === KIND_FLOAT) {
        fr.doubleWords(cols.valueWords, row);
        lastKind[idx] = -1;
      } else if (kind === KIND_STALE) {
        writeStale(cols.valueWords, row);
        lastKind[idx] = -1;
      } else throw new TypeError(`Cannot decode batch: group ${g} has unknown value kind ${kind}`);
    }
    if (m !== mantissas.length || fr.more()) {
      throw new TypeError(`Cannot decode batch: group ${g} has values left over`);
    }
  }
  return cols;
}
