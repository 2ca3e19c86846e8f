/**
 * Prometheus's staleness marker: a NaN with a fixed payload (0x7ff0000000000002) that marks a
 * series as gone. Ordinary NaN values have other bits and must stay distinguishable.
 *
 * Bun's engine (JavaScriptCore) canonicalises every NaN it boxes into a JS number, so the
 * marker cannot travel as a `number`: it would arrive as a plain NaN. It lives only in typed
 * arrays, written and read through their 32-bit words with the helpers below.
 */
export const STALE_NAN_HI = 0x7ff00000;
/** Low 32-bit word of the staleness marker. */
export const STALE_NAN_LO = 0x00000002;

/** Writes the staleness marker into slot `i` of a float64 column seen through its 32-bit words. */
export function writeStale(words: Uint32Array, i: number): void {
  // Little-endian: the low word comes first.
  words[2 * i] = STALE_NAN_LO;
  words[2 * i + 1] = STALE_NAN_HI;
}

/** True when slot `i` of a float64 column (seen through its 32-bit words) is the staleness marker. */
export function isStaleAt(words: Uint32Array, i: number): boolean {
  return words[2 * i + 1] === STALE_NAN_HI && words[2 * i] === STALE_NAN_LO;
}

/** True when a float64 column holds a staleness marker anywhere (only its NaNs need a look). */
export function hasStaleMarker(values: Float64Array): boolean {
  let words: Uint32Array | null = null;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    words ??= new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
    if (isStaleAt(words, i)) return true;
  }
  return false;
}

/**
 * True when no value is lower than the one before it: a counter without resets (a NaN compares
 * as neither lower nor higher, as in the rate kernels' reset checks).
 */
export function neverDrops(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) return false;
  return true;
}

/** An empty list of drops, shared. */
export const NO_DROPS = new Int32Array(0);

/**
 * The indices `i` where `values[i]` is lower than `values[i - 1]`, ascending: a counter's
 * resets. Kept beside a series, they spare rate() its scan of every value for them.
 */
export function dropsOf(values: Float64Array): Int32Array {
  let n = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) n++;
  if (n === 0) return NO_DROPS;
  const drops = new Int32Array(n);
  for (let i = 1, d = 0; i < values.length; i++) if (values[i] < values[i - 1]) drops[d++] = i;
  return drops;
}

/** The drops of samples [lo, hi) as indices from `lo` (a slice's drops, from its series'). */
export function dropsWithin(drops: Int32Array, lo: number, hi: number): Int32Array {
  if (drops.length === 0) return NO_DROPS;
  let a = 0;
  while (a < drops.length && drops[a] <= lo) a++;
  let b = a;
  while (b < drops.length && drops[b] < hi) b++;
  if (a === b) return NO_DROPS;
  if (lo === 0 && a === 0 && b === drops.length) return drops;
  const out = drops.slice(a, b);
  for (let d = 0; d < out.length; d++) out[d] -= lo;
  return out;
}

/**
 * Values stored as 32-bit offsets from a base: `base + offsets[i]` is exactly value `i`. Most
 * counters and many gauges hold whole numbers that move by far less than 2^31 within a file:
 * this way they take half the bytes, and a kernel reading them reads half the memory.
 */
export interface NarrowValues {
  readonly base: number;
  readonly offsets: Int32Array;
}

/**
 * True when each of `values` is the first plus a whole number below 2^31 in size, exactly
 * (NaNs, infinities, -0 and most fractions are not): then they fit as `NarrowValues`.
 */
export function narrowable(values: Float64Array): boolean {
  if (values.length === 0) return false;
  const base = values[0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const d = v - base;
    // `d | 0` keeps d only when it is a whole number in int32's range; `===` takes -0 for 0.
    if ((d | 0) !== d || base + d !== v || (v === 0 && 1 / v < 0)) return false;
  }
  return true;
}

/** `values` (narrowable) as offsets from their first value, written to `offsets`. */
export function narrowInto(values: Float64Array, offsets: Int32Array): NarrowValues {
  const base = values[0];
  for (let i = 0; i < values.length; i++) offsets[i] = values[i] - base;
  return { base, offsets };
}

/** `values` as NarrowValues in an array of their own, or null when they do not fit. */
export function narrowed(values: Float64Array): NarrowValues | null {
  return narrowable(values) ? narrowInto(values, new Int32Array(values.length)) : null;
}

/** Metric family types, as HELP/TYPE metadata names them (OpenMetrics spelling). */
export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "info"
  | "stateset"
  | "unknown";

/** Every metric type, in the order of the ingest schema's MetricType enum. */
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

/** HELP/TYPE/UNIT of one metric family. */
export interface MetricMetadata {
  name: string;
  type: MetricType;
  help: string;
  unit: string;
}
