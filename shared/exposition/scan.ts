import { BACKSLASH, NL, QUOTE, RBRACE } from "./bytes.ts";

/** FNV-1a's prime; the parser's series hash runs on through the label block here. */
export const FNV_PRIME = 0x01000193;

/** Hash left by {@link scanLabels}: the caller's hash extended over the label block. */
export let scanHash = 0;

/**
 * Finds the end of the label block starting at `{` (quotes and escapes respected) while
 * extending hash `h` over it. Returns -1 when the block is not closed on this line, in which
 * case the full parser reports the precise error.
 */
export function scanLabels(b: Uint8Array, i: number, n: number, om: boolean, h: number): number {
  while (i < n) {
    let c = b[i++];
    h = Math.imul(h ^ c, FNV_PRIME);
    if (c === RBRACE) {
      scanHash = h;
      return i;
    }
    if (c === NL) return -1;
    if (c !== QUOTE) continue;
    for (;;) {
      if (i >= n) return -1;
      c = b[i++];
      h = Math.imul(h ^ c, FNV_PRIME);
      if (c === QUOTE) break;
      if (c === BACKSLASH && i < n) {
        c = b[i++];
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (c === NL && om) return -1;
    }
  }
  return -1;
}
