import {
  atLineEnd,
  BACKSLASH,
  CLASS,
  COMMA,
  CR,
  EQUALS,
  expected,
  fail,
  HASH,
  LABEL_CHAR,
  LABEL_START,
  LBRACE,
  NL,
  QUOTE,
  RBRACE,
  SP,
} from "./bytes.ts";
import { parseOpenMetricsTimestamp, parseValue } from "./number.ts";

/**
 * OpenMetrics exemplars (` # {trace_id="…"} 0.5 [ts]` after a sample) are checked for
 * syntax and otherwise ignored: the pipeline does not carry exemplars. Their label values
 * are not decoded, so their UTF-8 is not checked.
 */

/** Checks the exemplar starting at the space at `i` and returns the index of the line end. */
export function skipExemplar(b: Uint8Array, i: number, n: number): number {
  if (!(b[i] === SP && b[i + 1] === HASH && b[i + 2] === SP && b[i + 3] === LBRACE)) {
    expected(b, i, 'a timestamp or " # {" to start an exemplar');
  }
  i = labelBlock(b, i + 4, n);
  if (b[i] !== SP) expected(b, i, "a space and a value after the exemplar labels");
  let e = tokenEnd(b, ++i, n);
  if (e === i) expected(b, i, "an exemplar value");
  parseValue(b, i, e);
  if (b[e] === SP) {
    i = e + 1;
    e = tokenEnd(b, i, n);
    if (e === i) expected(b, i, "an exemplar timestamp");
    parseOpenMetricsTimestamp(b, i, e);
  }
  if (!atLineEnd(b, e, n)) expected(b, e, "end of line after the exemplar");
  return e;
}

/** Validates `name="value",…}` starting after `{`; returns the index after `}`. */
function labelBlock(b: Uint8Array, i: number, n: number): number {
  for (;;) {
    if (b[i] === RBRACE) return i + 1;
    if (b[i] === QUOTE) i = quoted(b, i, n);
    else if (i < n && (CLASS[b[i]] & LABEL_START) !== 0) {
      while (i < n && (CLASS[b[i]] & LABEL_CHAR) !== 0) i++;
    } else expected(b, i, 'exemplar label name or "}"');
    if (b[i] !== EQUALS) expected(b, i, '"=" after exemplar label name');
    if (b[i + 1] !== QUOTE) expected(b, i + 1, "quoted exemplar label value");
    i = quoted(b, i + 1, n);
    if (b[i] === COMMA) i++;
    else if (b[i] !== RBRACE) expected(b, i, '"," or "}" after exemplar label value');
  }
}

/** Skips a quoted string at `i` (no raw newlines, as OpenMetrics requires); returns the index after it. */
function quoted(b: Uint8Array, i: number, n: number): number {
  const start = i++;
  while (i < n && b[i] !== QUOTE && b[i] !== NL) i += b[i] === BACKSLASH && b[i + 1] !== NL ? 2 : 1;
  if (i >= n || b[i] !== QUOTE) fail(b, start, "unterminated quoted string in exemplar");
  return i + 1;
}

/** End of an OpenMetrics token: the next space or line break. */
export function tokenEnd(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c === SP || c === NL || (c === CR && b[i + 1] === NL)) break;
    i++;
  }
  return i;
}
