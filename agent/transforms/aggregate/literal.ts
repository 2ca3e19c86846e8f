/**
 * PromQL string literals: `"…"` and `'…'` with Go's escapes, and raw `` `…` `` without any.
 * Escapes may spell bytes (`\xff`, `\377`), so an escaped literal is decoded as UTF-8 bytes
 * and refused when they are not valid UTF-8, as Prometheus refuses such label values.
 */

/** A literal read from selector text: its value and the index just past its closing quote. */
export interface Literal {
  value: string;
  end: number;
}

/** A literal could not be read; `at` is the index of the offending character. */
export class LiteralError extends SyntaxError {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  "\\": 0x5c,
};

const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reads the literal whose opening quote is at `start`. */
export function readLiteral(text: string, start: number): Literal {
  const quote = text[start];
  if (quote === "`") {
    const close = text.indexOf("`", start + 1);
    if (close < 0) throw new LiteralError("unterminated raw string", start);
    return { value: text.slice(start + 1, close), end: close + 1 };
  }
  let i = start + 1;
  while (i < text.length && text[i] !== quote && text[i] !== "\\" && text[i] !== "\n") i++;
  if (text[i] === quote) return { value: text.slice(start + 1, i), end: i + 1 };
  return readEscaped(text, start, quote);
}

/** The slow path: a quoted literal with escapes, collected as bytes. */
function readEscaped(text: string, start: number, quote: string): Literal {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    const c = text[i];
    if (c === "\n") break;
    if (c !== "\\") {
      const cp = text.codePointAt(i)!;
      const n = cp > 0xffff ? 2 : 1;
      for (const b of encoder.encode(text.slice(i, i + n))) bytes.push(b);
      i += n;
      continue;
    }
    i = readEscape(text, i, quote, bytes);
  }
  if (text[i] !== quote) throw new LiteralError("unterminated string", start);
  try {
    return { value: decoder.decode(new Uint8Array(bytes)), end: i + 1 };
  } catch {
    throw new LiteralError("string is not valid UTF-8", start);
  }
}

/** Appends the bytes of the escape at `i` (a backslash) and returns the index after it. */
function readEscape(text: string, i: number, quote: string, bytes: number[]): number {
  const e = text[i + 1];
  if (e === undefined) throw new LiteralError("unterminated string", i);
  if (e in SIMPLE_ESCAPES) {
    bytes.push(SIMPLE_ESCAPES[e]);
    return i + 2;
  }
  if (e === quote) {
    bytes.push(quote.charCodeAt(0));
    return i + 2;
  }
  if (e >= "0" && e <= "7") {
    const digits = text.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) throw new LiteralError("invalid octal escape", i);
    const byte = Number.parseInt(digits, 8);
    if (byte > 255) throw new LiteralError("octal escape above \\377", i);
    bytes.push(byte);
    return i + 4;
  }
  const width = HEX_DIGITS[e];
  if (width === undefined) throw new LiteralError(`unknown escape "\\${e}"`, i);
  const digits = text.slice(i + 2, i + 2 + width);
  if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits)) {
    throw new LiteralError(`\\${e} needs ${width} hex digits`, i);
  }
  const n = Number.parseInt(digits, 16);
  if (e === "x") bytes.push(n);
  else if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
    throw new LiteralError(`\\${e}${digits} is not a Unicode code point`, i);
  } else for (const b of encoder.encode(String.fromCodePoint(n))) bytes.push(b);
  return i + 2 + width;
}
