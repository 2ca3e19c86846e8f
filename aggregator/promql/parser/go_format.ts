/**
 * Go's text formatting where Prometheus's messages and printer depend on it: `strconv.Quote`
 * (`%q`), `strconv.QuoteRune`, `%#U`, `strconv.FormatFloat(v, 'f', -1, 64)` and `%f`.
 *
 * PromQL strings may hold bytes that are not UTF-8 (`"\xff"`). JavaScript strings cannot, so
 * such a byte b is kept as the lone surrogate U+DC00+b (Python's "surrogateescape"); the
 * quoting here prints it back as `\xNN`, as Go does, and `isWellFormed()` reports it invalid.
 */

/** The code unit that stands for the non-UTF-8 byte `b` (0x80–0xFF) in a decoded string. */
export function escapedByte(b: number): string {
  return String.fromCharCode(0xdc00 + b);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(c: number): boolean {
  if (c < 0x80) return c >= 0x20 && c < 0x7f;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(c));
}

const SHORT_ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
};

function hex(c: number, width: number): string {
  return c.toString(16).padStart(width, "0");
}

/** One code point as Go writes it inside a quoted literal delimited by `quote`. */
function quotedRune(c: number, quote: number): string {
  if (c === quote || c === 0x5c) return `\\${String.fromCharCode(c)}`;
  if (isPrint(c)) return String.fromCodePoint(c);
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  if (c >= 0xdc80 && c <= 0xdcff) return `\\x${hex(c - 0xdc00, 2)}`;
  if (c >= 0xd800 && c <= 0xdfff) return "\\ufffd";
  if (c < 0x20 || c === 0x7f) return `\\x${hex(c, 2)}`;
  if (c < 0x10000) return `\\u${hex(c, 4)}`;
  return `\\U${hex(c, 8)}`;
}

/** Go's `strconv.Quote` (what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  let plainFrom = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Printable ASCII other than quote and backslash is copied in runs.
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(plainFrom, i);
    const cp = s.codePointAt(i)!;
    out += quotedRune(cp, 0x22);
    if (cp > 0xffff) i++;
    plainFrom = i + 1;
  }
  return `${out}${s.slice(plainFrom)}"`;
}

/** Go's `strconv.QuoteRune` (what `%q` prints for a rune); -1 (end of input) prints as U+FFFD. */
export function goQuoteRune(c: number): string {
  if (c < 0) return "'\ufffd'";
  return `'${quotedRune(c, 0x27)}'`;
}

/** Go's `%#U`: `U+0063 'c'`, or just `U+000A` when the rune is not printable. */
export function goUnicode(c: number): string {
  const code = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  return isPrint(c) ? `${code} '${String.fromCodePoint(c)}'` : code;
}

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
