import { compareNames, type Labels } from "../model/labels.ts";
import { METRIC_TYPES, type MetricMetadata, writeStale } from "../model/sample.ts";
import { type DecodedLogs, decodeLogs } from "./decode_logs.ts";
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
  /** Log records (a log batch's `series` are its streams); null in a metrics batch. */
  logs?: DecodedLogs | null;
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
  let stringData: Region = { start: 0, end: 0 };
  const lengths: number[] = [];
  const seriesRefs: number[] = [];
  const groupRegions: Region[] = [];
  const metaRegions: Region[] = [];
  let createdMs = 0;
  let logsRegion: Region | null = null;
  while (r.more()) {
    const tag = r.uvarint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 2 && field >= 1 && field <= 6 && field !== 5) {
      if (field === 6) readPacked(r, lengths, false);
      else if (field === 2) readPacked(r, seriesRefs, false);
      else {
        const end = r.delimitedEnd("a field");
        const region = { start: r.pos, end };
        if (field === 1) stringData = region;
        else (field === 3 ? groupRegions : metaRegions).push(region);
        r.pos = end;
      }
    } else if ((field === 2 || field === 6) && wire === 0) {
      (field === 2 ? seriesRefs : lengths).push(r.uvarint());
    } else if (field === 5 && wire === 0) {
      createdMs = r.uvarint();
    } else if (field === 16 && wire === 2) {
      const end = r.delimitedEnd("log records");
      logsRegion = { start: r.pos, end };
      r.pos = end;
    } else {
      r.skip(wire);
    }
  }
  const strings = splitStrings(bytes, stringData, lengths);
  const series = decodeSeries(seriesRefs, strings);
  const samples = decodeGroups(bytes, groupRegions, series.length);
  const metadata = metaRegions.map((reg) => decodeMetadata(bytes, reg, strings));
  const logs = logsRegion && decodeLogs(bytes, logsRegion, strings, series.length);
  return { series, samples, metadata, createdMs, logs };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function splitStrings(bytes: Uint8Array, data: Region, lengths: number[]): string[] {
  if (lengths.length === 0 || lengths[0] !== 0) {
    throw new TypeError("Cannot decode batch: the string table must start with the empty string");
  }
  const strings: string[] = new Array(lengths.length);
  let pos = data.start;
  for (let i = 0; i < lengths.length; i++) {
    const end = pos + lengths[i];
    if (end > data.end)
      throw new RangeError("Cannot decode batch: string lengths run past the string data");
    try {
      strings[i] = utf8.decode(bytes.subarray(pos, end));
    } catch {
      throw new TypeError(`Cannot decode batch: string ${i} is not valid UTF-8`);
    }
    pos = end;
  }
  if (pos !== data.end)
    throw new RangeError("Cannot decode batch: string data longer than its lengths say");
  return strings;
}

function stringAt(strings: string[], ref: number, what: string): string {
  if (ref >= strings.length)
    throw new RangeError(
      `Cannot decode batch: ${what} refers to string ${ref} of ${strings.length}`,
    );
  return strings[ref];
}

function decodeSeries(refs: number[], strings: string[]): Labels[] {
  const out: Labels[] = [];
  let prev: string[] = [];
  let i = 0;
  while (i < refs.length) {
    const s = out.length;
    const removed = refs[i++];
    if (i + removed >= refs.length)
      throw new RangeError(`Cannot decode batch: series ${s} runs past the label data`);
    const removedRefs = refs.slice(i, i + removed);
    i += removed;
    const pairs = refs[i++];
    if (i + 2 * pairs > refs.length)
      throw new RangeError(`Cannot decode batch: series ${s} runs past the label data`);
    const labels = applyLabelDiff(prev, removedRefs, refs.slice(i, i + 2 * pairs), strings, s);
    i += 2 * pairs;
    out.push(labels);
    prev = labels;
  }
  return out;
}

/** Rebuilds a series' labels from the previous series and its diff (see Series in ingest.proto). */
function applyLabelDiff(
  prev: string[],
  removed: number[],
  changed: number[],
  strings: string[],
  s: number,
): string[] {
  const map = new Map<string, string>();
  for (let i = 0; i < prev.length; i += 2) map.set(prev[i], prev[i + 1]);
  for (const ref of removed) {
    if (!map.delete(stringAt(strings, ref, `series ${s}`))) {
      throw new TypeError(
        `Cannot decode batch: series ${s} removes a label its predecessor does not have`,
      );
    }
  }
  for (let i = 0; i < changed.length; i += 2) {
    const name = stringAt(strings, changed[i], `series ${s}`);
    const value = stringAt(strings, changed[i + 1], `series ${s}`);
    if (name === "" || value === "")
      throw new TypeError(`Cannot decode batch: series ${s} has an empty label name or value`);
    map.set(name, value);
  }
  const names = [...map.keys()].sort(compareNames);
  const labels: string[] = new Array(names.length * 2);
  for (let i = 0; i < names.length; i++) {
    labels[2 * i] = names[i];
    labels[2 * i + 1] = map.get(names[i])!;
  }
  return labels;
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
