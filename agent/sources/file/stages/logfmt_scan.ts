/**
 * A logfmt reader after go-logfmt, the format of Go services (`level=info msg="listening on
 * :8080" dur=1.2ms`), read leniently as Loki reads it: an unquoted value runs to the next
 * space, a key without `=` carries no value and is skipped, quoted values are unescaped
 * with Go's rules (`\"`, `\\`, `\n`, `\t`, `\xHH`, `\u00e9`, …).
 */

/** Name/value pairs found so far, committed only when the whole line parsed. */
const pending: string[] = [];

/**
 * Reads `text` and puts the pairs into `out`: every key under its own name when `wanted` is
 * null, else the keys `wanted` maps, under the names it maps them to. Returns false, leaving
 * `out` alone, when the text holds no `key=value` pair or a quoted value is not closed.
 */
export function extractLogfmt(
  text: string,
  wanted: ReadonlyMap<string, readonly string[]> | null,
  out: Map<string, string>,
): boolean {
  pending.length = 0;
  let pairs = 0;
  let p = 0;
  const n = text.length;
  while (p < n) {
    while (p < n && text.charCodeAt(p) <= 32) p++;
    const keyStart = p;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c <= 32 || c === 61 /* = */ || c === 34 /* " */) break;
      p++;
    }
    if (p >= n) break;
    const keyEnd = p;
    if (text.charCodeAt(p) !== 61 || keyEnd === keyStart) {
      // A bare key or stray text: nothing to extract, move past it.
      p = skipToken(text, p);
      continue;
    }
    p++;
    const valueStart = p;
    const quoted = text.charCodeAt(p) === 34;
    p = quoted ? closingQuote(text, p) : skipToken(text, p);
    if (p < 0) return false;
    pairs++;
    const key = text.slice(keyStart, keyEnd);
    const names = wanted === null ? null : wanted.get(key);
    if (names === undefined) continue;
    const value = quoted ? unquote(text, valueStart + 1, p - 1) : text.slice(valueStart, p);
    if (names === null) pending.push(key, value);
    else for (const name of names) pending.push(name, value);
  }
  if (pairs === 0) return false;
  for (let i = 0; i < pending.length; i += 2) out.set(pending[i], pending[i + 1]);
  return true;
}

function skipToken(text: string, p: number): number {
  while (p < text.length && text.charCodeAt(p) > 32) p++;
  return p;
}

/** The position after the quote closing the one at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let p = open + 1; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 92) p++;
    else if (c === 34) return p + 1;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Unescapes `text[start, end)` as Go's strconv.Unquote does; a bad escape is kept as written. */
export function unquote(text: string, start: number, end: number): string {
  const first = text.indexOf("\\", start);
  if (first < 0 || first >= end) return text.slice(start, end);
  let out = text.slice(start, first);
  let p = first;
  while (p < end) {
    const next = text.indexOf("\\", p);
    if (next < 0 || next >= end) return out + text.slice(p, end);
    out += text.slice(p, next);
    const seq = readEscape(text, next);
    out += seq.value;
    p = next + seq.length;
  }
  return out;
}

/** The escape sequence starting with the backslash at `p`: what it stands for and its length. */
function readEscape(text: string, p: number): { value: string; length: number } {
  const e = text[p + 1];
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { value: simple, length: 2 };
  const octal = e >= "0" && e <= "7";
  const width = octal ? 3 : e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
  const digits = octal ? text.slice(p + 1, p + 4) : text.slice(p + 2, p + 2 + width);
  const pattern = octal ? /^[0-7]{3}$/ : /^[0-9a-fA-F]+$/;
  if (width > 0 && digits.length === width && pattern.test(digits)) {
    const code = Number.parseInt(digits, octal ? 8 : 16);
    if (code <= 0x10ffff)
      return { value: String.fromCodePoint(code), length: (octal ? 1 : 2) + width };
  }
  return { value: `\\${e ?? ""}`, length: 2 };
}
