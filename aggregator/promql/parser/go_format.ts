/**
 * Go's number formatting where Prometheus's messages and printer depend on it:
 * `strconv.FormatFloat(v, 'f', -1, 64)` and `%f`. Go's string quoting is in
 * shared/model/go_string.ts.
 */

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const sign = v < 0 ? "-" : "";
  const mantissa = s.slice(sign.length, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point relative to the start of `digits`.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Go's `%f`: six decimals, `+Inf`, `-Inf`, `NaN`. */
export function formatGoFixed(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  // toFixed switches to exponent form from 1e21 on; such doubles are integers.
  if (Math.abs(v) >= 1e21) return `${BigInt(v)}.000000`;
  return v.toFixed(6);
}

/** Go's `math.Round`: halves round away from zero (JavaScript's Math.round rounds them up). */
export function goRound(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** The UTF-8 length of `s` up to code unit `end` (Prometheus positions count bytes). */
export function utf8Offset(s: string, end: number): number {
  let bytes = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
