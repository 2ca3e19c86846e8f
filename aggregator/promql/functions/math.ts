/**
 * Per-sample math kernels for PromQL's instant-vector functions (abs, round, clamp, the trig
 * functions, …), computed as Prometheus 3 computes them, operation order included.
 * Histogram samples are the engine's to skip; these see float values only.
 */

/** A per-sample kernel: the output value for input `v`; `params` are the scalar arguments. */
export type MathFunction = (v: number, params: readonly number[]) => number;

const DEG_PER_RAD = 180;

/**
 * `round(v, to_nearest=1)`: ties round up. Prometheus multiplies by the inverse of
 * to_nearest ("fewer floating point accuracy issues") and so must we to match its output.
 */
function round(v: number, params: readonly number[]): number {
  const toNearest = params.length > 0 ? params[0] : 1;
  const inverse = 1 / toNearest;
  return Math.floor(v * inverse + 0.5) / inverse;
}

/** `sgn(v)`: -1, 1, or v itself for zeros and NaN. */
function sgn(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

/** `clamp(v, min, max)`; see mathDropsAll for max < min. NaN bounds give NaN. */
function clamp(v: number, params: readonly number[]): number {
  return Math.max(params[0], Math.min(params[1], v));
}

/** `clamp_min(v, min)`. */
function clampMin(v: number, params: readonly number[]): number {
  return Math.max(params[0], Math.min(Number.POSITIVE_INFINITY, v));
}

/** `clamp_max(v, max)`. */
function clampMax(v: number, params: readonly number[]): number {
  return Math.max(Number.NEGATIVE_INFINITY, Math.min(params[0], v));
}

/** Kernels by PromQL function name; `params` are the scalar arguments after the vector. */
export const MATH_FUNCTIONS: Readonly<Record<string, MathFunction>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  round,
  sgn,
  clamp,
  clamp_min: clampMin,
  clamp_max: clampMax,
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  // Same operation order as Prometheus: (v*180)/π and (v*π)/180.
  deg: (v) => (v * DEG_PER_RAD) / Math.PI,
  rad: (v) => (v * Math.PI) / DEG_PER_RAD,
};

/**
 * Whether `name` with these scalar arguments outputs no series at all: Prometheus returns an
 * empty vector for clamp whose max is below its min (NaN bounds do not count: they give NaN).
 */
export function mathDropsAll(name: string, params: readonly number[]): boolean {
  return name === "clamp" && params[1] < params[0];
}
