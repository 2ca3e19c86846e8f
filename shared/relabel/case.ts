/**
 * Case mapping as Go's `strings.ToLower` / `strings.ToUpper` do it, for the `lowercase` and
 * `uppercase` actions. Go maps each code point on its own with Unicode's simple mappings;
 * JavaScript applies the full, context-sensitive ones ("ß" → "SS", "İ" → "i̇", a final "Σ" →
 * "ς"). Mapping one code point at a time removes the context; where JavaScript still turns
 * one code point into several, Go keeps it unchanged, or uses the simple mapping listed here.
 */

/** Simple lowercase mappings that JavaScript's full mapping hides. */
const SIMPLE_LOWER = new Map<number, number>([[0x130, 0x69]]);

/** Simple uppercase mappings that JavaScript's full mapping hides (Greek with ypogegrammeni). */
const SIMPLE_UPPER = new Map<number, number>([
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
]);
for (const start of [0x1f80, 0x1f90, 0x1fa0]) {
  for (let i = 0; i < 8; i++) SIMPLE_UPPER.set(start + i, start + i + 8);
}

/** Lower-cases `s` exactly as Go's `strings.ToLower`. */
export function goToLower(s: string): string {
  return mapCodePoints(s, SIMPLE_LOWER, (c) => c.toLowerCase());
}

/** Upper-cases `s` exactly as Go's `strings.ToUpper`. */
export function goToUpper(s: string): string {
  return mapCodePoints(s, SIMPLE_UPPER, (c) => c.toUpperCase());
}

function mapCodePoints(
  s: string,
  simple: Map<number, number>,
  full: (c: string) => string,
): string {
  let out = "";
  for (const c of s) {
    const mapped = full(c);
    if ([...mapped].length === 1) {
      out += mapped;
    } else {
      const cp = c.codePointAt(0)!;
      out += String.fromCodePoint(simple.get(cp) ?? cp);
    }
  }
  return out;
}
