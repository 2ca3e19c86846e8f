/**
 * A logfmt reader after go-logfmt, the format of Go services (`level=info msg="listening on
 * :8080" dur=1.2ms`), read leniently as Loki reads it: an unquoted value runs to the next
 * space, a key without `=` carries no value and is skipped, quoted values are unescaped
 * with Go's rules (`\"`, `\\`, `\n`, `\t`, `\xHH`, `\u00e9`, …; shared/model/go_string.ts),
 * a malformed escape kept as written.
 */
import { unescapeGo } from "../../../../shared/model/go_string.ts";

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
    const value = quoted
      ? unescapeGo(text.slice(valueStart + 1, p - 1), "lenient")
      : text.slice(valueStart, p);
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
