/**
 * Byte constants, character classes and error helpers shared by the exposition parser.
 * The parser works on raw bytes; strings are made only when a series is new.
 */

export const TAB = 9;
export const NL = 10;
export const CR = 13;
export const SP = 32;
export const QUOTE = 34;
export const HASH = 35;
export const COMMA = 44;
export const EQUALS = 61;
export const BACKSLASH = 92;
export const LBRACE = 123;
export const RBRACE = 125;

/** May start a metric name: `[a-zA-Z_:]`. */
export const NAME_START = 1;
/** May continue a metric name: `[a-zA-Z0-9_:]`. */
export const NAME_CHAR = 2;
/** May start a label name: `[a-zA-Z_]`. */
export const LABEL_START = 4;
/** May continue a label name: `[a-zA-Z0-9_]`. */
export const LABEL_CHAR = 8;

/** Character class bits per byte value, tested with `CLASS[c] & NAME_CHAR` and friends. */
export const CLASS: Uint8Array = buildClasses();

function buildClasses(): Uint8Array {
  const t = new Uint8Array(256);
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  for (const ch of letters) t[ch.charCodeAt(0)] = NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR;
  for (let d = 48; d <= 57; d++) t[d] = NAME_CHAR | LABEL_CHAR;
  t[58] = NAME_START | NAME_CHAR; // ':' is allowed in metric names only
  return t;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// Bun's Buffer.latin1Slice works on any Uint8Array and is the fastest way to make a string
// from bytes (about twice as fast as TextDecoder for short ASCII runs).
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, s: number, e: number): string }
).latin1Slice;

/** Decodes `b[start, end)` as UTF-8, returning undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(b: Uint8Array, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) {
    if (b[i] >= 0x80) {
      try {
        return utf8.decode(b.subarray(start, end));
      } catch {
        return undefined;
      }
    }
  }
  return latin1Slice.call(b, start, end);
}

/** Decodes bytes known to be ASCII (names, numbers) without validation. */
export function ascii(b: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(b, start, end);
}

/** Returns the 1-based line number of byte offset `pos`. */
function lineOf(b: Uint8Array, pos: number): number {
  let line = 1;
  for (let j = b.indexOf(NL); j >= 0 && j < pos; j = b.indexOf(NL, j + 1)) line++;
  return line;
}

/** Quotes the token at `pos` (up to the next separator) for an error message. */
function tokenAt(b: Uint8Array, pos: number): string {
  if (pos >= b.length) return "end of input";
  if (b[pos] === NL || (b[pos] === CR && b[pos + 1] === NL)) return "end of line";
  if (b[pos] === SP || b[pos] === TAB) return JSON.stringify(String.fromCharCode(b[pos]));
  let end = pos + 1;
  while (end < b.length && end - pos < 24) {
    const c = b[end];
    if (c === SP || c === TAB || c === NL || c === CR) break;
    end++;
  }
  const text = new TextDecoder().decode(b.subarray(pos, end));
  return JSON.stringify(text);
}

/** Throws the parser's SyntaxError for byte offset `pos`: `Cannot parse exposition line N: <what>`. */
export function fail(b: Uint8Array, pos: number, what: string): never {
  throw new SyntaxError(`Cannot parse exposition line ${lineOf(b, pos)}: ${what}`);
}

/** Like {@link fail}, appending `, got <token at pos>` to the message. */
export function expected(b: Uint8Array, pos: number, what: string): never {
  return fail(b, pos, `expected ${what}, got ${tokenAt(b, pos)}`);
}

/** True when `b[i]` starts a line break: `\n`, `\r\n`, or the end of the input. */
export function atLineEnd(b: Uint8Array, i: number, n: number): boolean {
  if (i >= n) return true;
  const c = b[i];
  return c === NL || (c === CR && i + 1 < n && b[i + 1] === NL);
}

/** Returns the index after the line break at `i` (which must satisfy {@link atLineEnd}). */
export function skipLineEnd(b: Uint8Array, i: number, n: number): number {
  if (i >= n) return n;
  return b[i] === NL ? i + 1 : i + 2;
}

/** End of a text-format value or timestamp token: the next blank, `{` or line break. */
export function textTokenEnd(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c === SP || c === TAB || c === NL || c === LBRACE || (c === CR && b[i + 1] === NL)) break;
    i++;
  }
  return i;
}
