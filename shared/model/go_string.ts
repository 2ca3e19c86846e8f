/**
 * Go's string literals as PromQL, Prometheus's test scripts and logfmt write them: `"…"` and
 * `'…'` with Go's escapes (`\n`, `\"`, `\xFF`, `\377`, `\u00e9`, `\U0001F600`, …) and raw
 * `` `…` ``, read (`unquoteGo`) and written (`goQuote`, Go's `strconv.Quote`, `%q`, `%#U`).
 * As in Go, `\x` and octal escapes are bytes and `\u`/`\U` code points; bytes that are not
 * UTF-8 cannot live in a JavaScript string, so each such byte b is kept as the lone surrogate
 * U+DC00+b (Python's "surrogateescape"), which quoting prints back as `\xNN` and
 * `isWellFormed()` reports as invalid. The one quoting and unquoting of the codebase.
 */

/** The code unit that stands for the non-UTF-8 byte `b` (0x80–0xFF) in a decoded string. */
export function escapedByte(b: number): string {
  return String.fromCharCode(0xdc00 + b);
}

const SIMPLE: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 0x5c,
  "'": 0x27,
  '"': 0x22,
};

/**
 * Decodes a quoted literal, quotes included: `"…"`, `'…'` with Go's escapes, `` `…` `` as
 * written. Throws a SyntaxError naming what is wrong when it is not a well-formed literal.
 */
export function unquoteGo(literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote || !`"'\``.includes(quote)) {
    throw new SyntaxError(`${literal} is not a quoted string`);
  }
  const body = literal.slice(1, -1);
  return quote === "`" ? body : unescapeGo(body, "strict");
}

/**
 * Decodes Go's escapes in `body` (a literal without its quotes). A malformed escape throws a
 * SyntaxError when `strict`; when `lenient` (logfmt read as Loki reads it) it is kept as
 * written.
 */
export function unescapeGo(body: string, mode: "strict" | "lenient"): string {
  if (!body.includes("\\")) return body;
  let out = "";
  let bytes: number[] = [];
  let i = 0;
  const flush = () => {
    if (bytes.length > 0) out += decodeBytes(bytes);
    bytes = [];
  };
  while (i < body.length) {
    if (body.charCodeAt(i) !== 0x5c) {
      flush();
      const next = body.indexOf("\\", i);
      const to = next < 0 ? body.length : next;
      out += body.slice(i, to);
      i = to;
      continue;
    }
    const e = body[i + 1];
    const simple = SIMPLE[e];
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : e >= "0" && e <= "7" ? 3 : 0;
    const digits =
      e >= "0" && e <= "7" ? body.slice(i + 1, i + 4) : body.slice(i + 2, i + 2 + width);
    const valid =
      simple !== undefined ||
      (width > 0 && digits.length === width && (width === 3 ? OCTAL : HEX).test(digits));
    const code = valid && simple === undefined ? Number.parseInt(digits, width === 3 ? 8 : 16) : 0;
    const surrogate = (e === "u" || e === "U") && code >= 0xd800 && code <= 0xdfff;
    if (!valid || (width === 3 && code > 0xff) || code > 0x10ffff || surrogate) {
      if (mode === "strict") throw new SyntaxError(`invalid escape \\${body.slice(i + 1, i + 2)}`);
      flush();
      out += `\\${e ?? ""}`;
      i += e === undefined ? 1 : 2;
      continue;
    }
    if (simple !== undefined) {
      flush();
      out += String.fromCharCode(simple);
      i += 2;
    } else if (e === "x" || width === 3) {
      // A byte: decoded as UTF-8 with its neighbours.
      bytes.push(code);
      i += 4;
    } else {
      flush();
      out += String.fromCodePoint(code);
      i += 2 + width;
    }
  }
  flush();
  return out;
}

const OCTAL = /^[0-7]{3}$/;
const HEX = /^[0-9a-fA-F]+$/;

/** Decodes UTF-8 bytes; each byte that does not start a valid sequence becomes an escaped byte. */
export function decodeBytes(bytes: readonly number[]): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const [cp, length] = decodeOne(bytes, i);
    out += cp < 0 ? escapedByte(bytes[i]) : String.fromCodePoint(cp);
    i += cp < 0 ? 1 : length;
  }
  return out;
}

/** The code point of the sequence starting at `i` and its length, or -1 when invalid. */
function decodeOne(b: readonly number[], i: number): [number, number] {
  const b0 = b[i];
  if (b0 < 0x80) return [b0, 1];
  const length = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 ? 2 : 0;
  if (length === 0 || b0 > 0xf4 || i + length > b.length) return [-1, 1];
  let cp = b0 & (0x7f >> length);
  for (let k = 1; k < length; k++) {
    const bk = b[i + k];
    if ((bk & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (bk & 0x3f);
  }
  const min = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, length];
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
