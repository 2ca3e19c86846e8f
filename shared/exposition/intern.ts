import { ascii, decodeUtf8 } from "./bytes.ts";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const MAX_INTERNED = 48;

/**
 * Makes strings from bytes, handing out one string per distinct short ASCII run within a
 * parse: label names and the usual values (`job`, `GET`, `200`) then share one string across
 * all new series instead of one copy each, which saves memory and most decoding.
 * A hash collision only costs the sharing, never correctness: the bytes are compared.
 */
export class Interner {
  private readonly byHash = new Map<number, string>();

  /** Returns `b[start, end)` as a string, or undefined when it is not valid UTF-8. */
  text(b: Uint8Array, start: number, end: number): string | undefined {
    const len = end - start;
    if (len > MAX_INTERNED) return decodeUtf8(b, start, end);
    let h = FNV_OFFSET;
    let high = 0;
    for (let i = start; i < end; i++) {
      high |= b[i];
      h = Math.imul(h ^ b[i], FNV_PRIME);
    }
    if (high >= 0x80) return decodeUtf8(b, start, end);
    const known = this.byHash.get(h);
    if (known !== undefined && known.length === len) {
      let i = 0;
      while (i < len && known.charCodeAt(i) === b[start + i]) i++;
      if (i === len) return known;
    }
    const s = ascii(b, start, end);
    if (known === undefined) this.byHash.set(h, s);
    return s;
  }
}
