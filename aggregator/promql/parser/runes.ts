/** Go's rune classes as the PromQL lexer uses them (ASCII only, as in Prometheus). */

/** A set of runes, as a test (Go's lexer passes strings such as "0123456789"). */
export type RuneSet = (c: number) => boolean;

/** Returned by `next()` at the end of input. */
export const EOF_RUNE = -1;

/** Go's `isSpace`. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Go's `isAlpha`: ASCII letters and underscore. */
export function isAlpha(c: number): boolean {
  return c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** Go's `isDigit`: ASCII digits only. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Go's `isAlphaNumeric`. */
export function isAlphaNumeric(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}
