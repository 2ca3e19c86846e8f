/**
 * Go's string order, which Prometheus uses for label names, values and label sets: strings
 * compare as their UTF-8 bytes. JavaScript compares UTF-16 code units instead, and the two
 * orders differ in one place only.
 */

/**
 * Orders two strings by their UTF-8 bytes, as Go compares strings (negative, 0, positive).
 *
 * UTF-16 code units sort as code points, and so as UTF-8 bytes, except that a surrogate
 * (0xD800–0xDFFF, half of a code point above U+FFFF) sorts below the code units 0xE000–0xFFFF
 * while its code point sorts above them. So the first differing code units decide, and the
 * order flips only when exactly one of them is a surrogate and the other is at least 0xE000.
 * A lone surrogate (not well-formed text) sorts as if it were part of a pair.
 * No allocation: it runs inside every series sort.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800 && x <= 0xdfff !== y <= 0xdfff) return x <= 0xdfff ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Sorts strings in place by their UTF-8 bytes and returns them: label names and values as the
 * label APIs list them. JavaScript's own `sort()` is ~5× faster than a comparator and orders
 * the same unless a string holds a surrogate (only then can {@link compareUtf8} flip an
 * order), so it sorts whenever none does.
 */
export function sortUtf8(list: string[]): string[] {
  for (const s of list) if (SURROGATE.test(s)) return list.sort(compareUtf8);
  return list.sort();
}
