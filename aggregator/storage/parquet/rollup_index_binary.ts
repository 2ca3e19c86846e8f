/**
 * A rollup file's index entry (rollup_index.ts) in binary, the index's format "2": one
 * metric's series as columns a reader takes as typed arrays, and their label texts as one UTF-8
 * text decoded once and cut by length. Format "1" held the same columns as a JSON object, whose
 * parse was most of a month-long read's listing (31 files of a 6,696-series counter: the
 * indexes read in 231–308 ms as JSON, 86–97 ms in this; docs/benchmarks.md).
 *
 * Little-endian, the 8-byte columns first so that each sits on its own alignment:
 *
 *   u32 N, u32 0 (reserved)
 *   f64 t0[N], f64 t1[N]   first and last window ends (Unix ms)
 *   f64 bound[N]           `sumBound`; NaN where not finite
 *   u32 row[N], u32 n[N]   first row of the run, and its rows
 *   u32 chars[N]           each label text's length in UTF-16 code units (JS string length)
 *   u8  text[]             the label texts one after another, UTF-8
 */

import { sameBytes } from "../../../shared/codec/bytes.ts";

/** One metric's series, as an index entry holds them (bound: non-finite where unknown). */
export interface EntryColumns {
  readonly labels: readonly string[];
  readonly row: ArrayLike<number>;
  readonly n: ArrayLike<number>;
  readonly t0: ArrayLike<number>;
  readonly t1: ArrayLike<number>;
  readonly bound: ArrayLike<number>;
}

const HEADER = 8;
/** Bytes a series takes besides its text: three doubles and three 32-bit words. */
const PER_SERIES = 36;
const U32_MAX = 0xffff_ffff;

/** The entry's bytes; null when a row number or count does not fit 32 bits (never, here). */
export function encodeEntry(e: EntryColumns): Uint8Array | null {
  const count = e.labels.length;
  const text = new TextEncoder().encode(e.labels.join(""));
  const bytes = new Uint8Array(HEADER + PER_SERIES * count + text.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, count, true);
  const [t0, t1, bound] = [0, 1, 2].map(
    (k) => new Float64Array(bytes.buffer, HEADER + 8 * k * count, count),
  );
  const [row, n, chars] = [0, 1, 2].map(
    (k) => new Uint32Array(bytes.buffer, HEADER + 24 * count + 4 * k * count, count),
  );
  for (let i = 0; i < count; i++) {
    if (!fits(e.row[i]) || !fits(e.n[i])) return null;
    t0[i] = e.t0[i];
    t1[i] = e.t1[i];
    bound[i] = Number.isFinite(e.bound[i]) ? e.bound[i] : Number.NaN;
    row[i] = e.row[i];
    n[i] = e.n[i];
    chars[i] = e.labels[i].length;
  }
  bytes.set(text, HEADER + PER_SERIES * count);
  return bytes;
}

function fits(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= U32_MAX;
}

/**
 * The label texts of the entry a reader decoded last for a metric, to give the next entry of
 * that metric the same strings when its texts are the same bytes: a metric's series are mostly
 * the same from one day file to the next, and decoding each file's texts again was a third of
 * a month-long read's listing (31 files of a 6,696-series counter). The strings being the same
 * objects, the listing also tells them apart by identity (rollup_listing.ts).
 */
export interface LabelTexts {
  readonly text: Uint8Array;
  readonly chars: Uint32Array;
  readonly labels: readonly string[];
}

/**
 * The columns of an entry's bytes, or null when they do not hold together: too short, a text
 * that is not UTF-8, or lengths that do not add up to it. Values are not checked here.
 * `previous`: the texts of the metric's entry decoded before (from a file before this one),
 * whose strings are taken when this entry's texts and lengths are the same bytes.
 */
export function decodeEntry(
  bytes: Uint8Array,
  previous?: LabelTexts,
): (EntryColumns & { texts: LabelTexts }) | null {
  if (bytes.length < HEADER) return null;
  // Typed arrays need their element's alignment: a decompressed buffer's offset may lack it.
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(own.buffer, own.byteOffset, own.length);
  const count = view.getUint32(0, true);
  if (view.getUint32(4, true) !== 0 || own.length < HEADER + PER_SERIES * count) return null;
  const at = (k: number) => own.byteOffset + HEADER + k;
  const [t0, t1, bound] = [0, 1, 2].map(
    (k) => new Float64Array(own.buffer, at(8 * k * count), count),
  );
  const [row, n, chars] = [0, 1, 2].map(
    (k) => new Uint32Array(own.buffer, at(24 * count + 4 * k * count), count),
  );
  const textBytes = own.subarray(HEADER + PER_SERIES * count);
  const labels =
    previous !== undefined &&
    sameBytes(previous.text, textBytes) &&
    sameBytes(previous.chars, chars)
      ? previous.labels
      : labelsOf(textBytes, chars);
  if (labels === null) return null;
  return { labels, row, n, t0, t1, bound, texts: { text: textBytes, chars, labels } };
}

/** The label texts cut from `text` by their lengths, or null when they do not add up to it. */
function labelsOf(text: Uint8Array, chars: Uint32Array): string[] | null {
  let all: string;
  try {
    all = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(text);
  } catch {
    return null;
  }
  const labels = new Array<string>(chars.length);
  let from = 0;
  for (let i = 0; i < chars.length; i++) {
    const to = from + chars[i];
    if (to > all.length) return null;
    labels[i] = all.substring(from, to);
    from = to;
  }
  return from === all.length ? labels : null;
}
