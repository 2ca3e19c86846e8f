/**
 * String literals: `"…"` and `'…'` with Go's escapes, and raw `` `…` ``. The lexer has
 * already rejected malformed escapes, so this only decodes. `\x` and octal escapes are bytes,
 * `\u`/`\U` are code points, as in Go; a byte sequence that is not UTF-8 keeps each bad byte
 * as an escaped byte (see go_format.ts).
 */
import { escapedByte } from "./go_format.ts";

const SIMPLE: Record<string, number> = {
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

/** Decodes a string token's text (quotes included) into its value. */
export function unquote(text: string): string {
  const body = text.slice(1, -1);
  if (text.charCodeAt(0) === 0x60 || !body.includes("\\")) return body;
  let out = "";
  let bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== "\\") {
      if (bytes.length > 0) out += decodeBytes(bytes);
      bytes = [];
      const cp = body.codePointAt(i)!;
      out += String.fromCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === "x" || (e >= "0" && e <= "7")) {
      const isHex = e === "x";
      const digits = isHex ? body.slice(i + 2, i + 4) : body.slice(i + 1, i + 4);
      bytes.push(Number.parseInt(digits, isHex ? 16 : 8));
      i += 4;
      continue;
    }
    if (bytes.length > 0) out += decodeBytes(bytes);
    bytes = [];
    if (e === "u" || e === "U") {
      const width = e === "u" ? 4 : 8;
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 2, i + 2 + width), 16));
      i += 2 + width;
      continue;
    }
    out += String.fromCharCode(SIMPLE[e]);
    i += 2;
  }
  return bytes.length > 0 ? out + decodeBytes(bytes) : out;
}

/** Decodes UTF-8 bytes; each byte that does not start a valid sequence becomes an escaped byte. */
function decodeBytes(bytes: readonly number[]): string {
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
