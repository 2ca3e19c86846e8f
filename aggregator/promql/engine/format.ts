/**
 * Go's number and label printing, as Prometheus's messages and labels show them: `%g` and
 * `strconv.FormatFloat(f, 'f', -1, 64)` with the shortest round-trip digits, OpenMetrics floats,
 * and `labels.Labels.String()`. JavaScript finds the same shortest digits; only the layout
 * differs, so the digits are taken from `toExponential()` and laid out Go's way.
 */
import type { Labels } from "../../../shared/model/labels.ts";

/** Shortest decimal digits of |f| and the exponent of the first digit. */
function digitsOf(f: number): { digits: string; exp: number } {
  const [mantissa, e] = Math.abs(f).toExponential().split("e");
  return { digits: mantissa.replace(".", ""), exp: Number(e) };
}

function special(f: number): string | null {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  return null;
}

function sign(f: number): string {
  return f < 0 || Object.is(f, -0) ? "-" : "";
}

/** Plain decimal layout of digits with the decimal point after `exp + 1` digits. */
function layoutF(digits: string, exp: number): string {
  if (exp < 0) return `0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + "0".repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** `strconv.FormatFloat(f, 'f', -1, 64)`: no exponent, shortest digits. */
export function formatFloatF(f: number): string {
  const s = special(f);
  if (s !== null) return s;
  if (f === 0) return sign(f) === "-" ? "-0" : "0";
  const { digits, exp } = digitsOf(f);
  return sign(f) + layoutF(digits, exp);
}

/** Go's `%g` (and `strconv.FormatFloat(f, 'g', -1, 64)`). */
export function formatGoFloat(f: number): string {
  const s = special(f);
  if (s !== null) return s;
  if (f === 0) return sign(f) === "-" ? "-0" : "0";
  const { digits, exp } = digitsOf(f);
  // With shortest digits Go uses the exponent form below 1e-4 and from 1e6 on.
  if (exp < -4 || exp >= 6) return sign(f) + layoutE(digits, exp);
  return sign(f) + layoutF(digits, exp);
}

function layoutE(digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const abs = Math.abs(exp);
  return `${mantissa}e${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

/** `labels.FormatOpenMetricsFloat`: like `%g` but integers keep a `.0`. */
export function formatOpenMetricsFloat(f: number): string {
  const s = formatGoFloat(f);
  if (/[.eIN]/.test(s)) return s;
  return `${s}.0`;
}

/** Go's `strconv.Quote` for the printable strings labels hold. */
export function quoteGo(s: string): string {
  return JSON.stringify(s);
}

/** `labels.Labels.String()`: `{__name__="x", a="b"}`. */
export function formatLabelsGo(labels: Labels): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    parts.push(`${labels[i]}=${quoteGo(labels[i + 1])}`);
  }
  return `{${parts.join(", ")}}`;
}
