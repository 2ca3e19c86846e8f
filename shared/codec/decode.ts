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
 * says what is wrong; never returns a partially valid batch. `reference` rebuilds each series'
 * labels the simple way (applyLabelDiffReference), the oracle of the fast path's tests.
 */
export function decodeBatch(bytes: Uint8Array, opts: { reference?: boolean } = {}): DecodedBatch {
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
  const series = decodeSeries(seriesRefs, strings, opts.reference === true);
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

function decodeSeries(refs: number[], strings: string[], reference: boolean): Labels[] {
  const out: Labels[] = [];
  let prev: string[] = [];
  let i = 0;
  while (i < refs.length) {
    const s = out.length;
    const removed = refs[i++];
    if (i + removed >= refs.length)
      throw new RangeError(`Cannot decode batch: series ${s} runs past the label data`);
    const removedAt = i;
    i += removed;
    const pairs = refs[i++];
    if (i + 2 * pairs > refs.length)
      throw new RangeError(`Cannot decode batch: series ${s} runs past the label data`);
    const diff: LabelDiff = { refs, removedAt, removed, changedAt: i, pairs };
    const labels = reference
      ? applyLabelDiffReference(prev, diff, strings, s)
      : applyLabelDiff(prev, diff, strings, s);
    i += 2 * pairs;
    out.push(labels);
    prev = labels;
  }
  return out;
}

/** Where one series' label diff sits in the batch's series refs (see Series in ingest.proto). */
interface LabelDiff {
  readonly refs: readonly number[];
  /** `removed` name refs from here. */
  readonly removedAt: number;
  readonly removed: number;
  /** `pairs` (name, value) ref pairs from here. */
  readonly changedAt: number;
  readonly pairs: number;
}

/**
 * Rebuilds a series' labels from the previous series (sorted by name, as every series this
 * builds is) and its diff, with what a Map of the labels would do: removals first, then each
 * pair set in order (a name set twice keeps its last value). The speed-only path: the
 * previous labels are copied, the diff's few names found in them by a scan, and only names
 * new to the series sorted in; ingest decodes every scraped series through it, where a Map
 * and a sort a series were the decode's largest cost. Held to applyLabelDiffReference by
 * label_diff.test.ts, errors included.
 */
function applyLabelDiff(
  prev: readonly string[],
  diff: LabelDiff,
  strings: string[],
  s: number,
): string[] {
  const { refs, removedAt, removed, changedAt, pairs } = diff;
  const out = prev.slice();
  // Positions of removed names in `out`, each once.
  const gone: number[] = [];
  for (let k = removedAt; k < removedAt + removed; k++) {
    const at = nameIndex(out, stringAt(strings, refs[k], `series ${s}`));
    if (at < 0 || gone.includes(at))
      throw new TypeError(
        `Cannot decode batch: series ${s} removes a label its predecessor does not have`,
      );
    gone.push(at);
  }
  // Names new to the series, as (name, value) pairs.
  const added: string[] = [];
  for (let k = changedAt; k < changedAt + 2 * pairs; k += 2) {
    const name = stringAt(strings, refs[k], `series ${s}`);
    const value = stringAt(strings, refs[k + 1], `series ${s}`);
    if (name === "" || value === "")
      throw new TypeError(`Cannot decode batch: series ${s} has an empty label name or value`);
    const at = nameIndex(out, name);
    if (at >= 0) {
      out[at + 1] = value;
      // Removed, then set again: kept.
      if (gone.includes(at)) gone.splice(gone.indexOf(at), 1);
      continue;
    }
    const again = nameIndex(added, name);
    if (again >= 0) added[again + 1] = value;
    else added.push(name, value);
  }
  const kept = gone.length === 0 ? out : out.filter((_, i) => !gone.includes(i - (i & 1)));
  return added.length === 0 ? kept : mergeByName(kept, added);
}

/** The index of `name` in label pairs `labels`, or −1. */
function nameIndex(labels: readonly string[], name: string): number {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return i;
  return -1;
}

/** Label pairs `sorted` (by name) with pairs `added` (names not in it) sorted in. */
function mergeByName(sorted: readonly string[], added: string[]): string[] {
  const order: number[] = [];
  for (let i = 0; i < added.length; i += 2) order.push(i);
  order.sort((a, b) => compareNames(added[a], added[b]));
  const out: string[] = new Array(sorted.length + added.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < sorted.length || j < order.length) {
    if (j === order.length || (i < sorted.length && compareNames(sorted[i], added[order[j]]) < 0)) {
      out[o++] = sorted[i++];
      out[o++] = sorted[i++];
    } else {
      out[o++] = added[order[j]];
      out[o++] = added[order[j++] + 1];
    }
  }
  return out;
}

/** applyLabelDiff through a Map and a sort: the reference its tests hold it to. */
function applyLabelDiffReference(
  prev: readonly string[],
  diff: LabelDiff,
  strings: string[],
  s: number,
): string[] {
  const { refs, removedAt, removed, changedAt, pairs } = diff;
  const map = new Map<string, string>();
  for (let i = 0; i < prev.length; i += 2) map.set(prev[i], prev[i + 1]);
  for (let k = removedAt; k < removedAt + removed; k++) {
    if (!map.delete(stringAt(strings, refs[k], `series ${s}`))) {
      throw new TypeError(
        `Cannot decode batch: series ${s} removes a label its predecessor does not have`,
      );
    }
  }
  for (let k = changedAt; k < changedAt + 2 * pairs; k += 2) {
    const name = stringAt(strings, refs[k], `series ${s}`);
    const value = stringAt(strings, refs[k + 1], `series ${s}`);
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
