/** Value kinds of the ingest schema: 0..15 are decimals with that many fraction digits. */
export const KIND_FLOAT = 16;
/** The staleness marker: no payload. */
export const KIND_STALE = 17;
/** Largest decimal scale tried before a value is sent as a raw double. */
export const MAX_SCALE = 15;

/** Powers of ten that are exact doubles (10^0 … 10^15). */
export const POW10: Float64Array = Float64Array.from({ length: MAX_SCALE + 1 }, (_, k) => 10 ** k);

/** Mantissas stay below 2^52 so that deltas between two of them are still exact doubles. */
const MANTISSA_LIMIT = 2 ** 52;

/**
 * Finds the smallest decimal scale k such that `round(v·10^k) / 10^k` is exactly `v`, which
 * holds for every value that was parsed from a short decimal (division of two exact integers
 * is correctly rounded, as parsing is). Returns KIND_FLOAT when there is none. `out[0]`
 * receives the mantissa.
 */
export function classifyValue(v: number, out: Float64Array): number {
  if (Number.isInteger(v)) {
    if (Math.abs(v) >= MANTISSA_LIMIT || (v === 0 && 1 / v < 0)) return KIND_FLOAT;
    out[0] = v;
    return 0;
  }
  if (!Number.isFinite(v)) return KIND_FLOAT;
  for (let k = 1; k <= MAX_SCALE; k++) {
    const p = POW10[k];
    const m = Math.round(v * p);
    if (Math.abs(m) >= MANTISSA_LIMIT) return KIND_FLOAT;
    if (m / p === v) {
      out[0] = m;
      return k;
    }
  }
  return KIND_FLOAT;
}
