import { METRIC_TYPES } from "../model/sample.ts";
import {
  ascii,
  BACKSLASH,
  CLASS,
  CR,
  decodeUtf8,
  expected,
  fail,
  NAME_CHAR,
  NAME_START,
  QUOTE,
  SP,
  TAB,
} from "./bytes.ts";
import type { MetadataLine } from "./cache.ts";
import { TypeContext, unescapeValue } from "./series.ts";

/**
 * `#` lines: comments, `# HELP`, `# TYPE`, `# UNIT` and OpenMetrics' `# EOF`. The parser
 * caches parsed metadata lines by their bytes, so this code runs once per distinct line and
 * is written for the reader rather than for speed.
 */

const TEXT_TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const OM_TYPES = new Set<string>(METRIC_TYPES);

const isBlank = (c: number) => c === SP || c === TAB;

/**
 * Parses the `#` line `b[i, end)` (`end` is its line break or the end of the input).
 * Returns the metadata it carries, or undefined for a text-format comment or for `# EOF`,
 * which sets `eof.seen` after checking that nothing follows it.
 */
export function parseComment(
  b: Uint8Array,
  i: number,
  end: number,
  om: boolean,
  eof: { seen: boolean },
): MetadataLine | undefined {
  return om ? openMetricsComment(b, i, end, eof) : textComment(b, i, end);
}

function textComment(b: Uint8Array, i: number, end: number): MetadataLine | undefined {
  let j = i + 1;
  if (j >= end || !isBlank(b[j])) return undefined; // "#foo" is a comment
  while (j < end && isBlank(b[j])) j++;
  const kind = keyword(b, j, end, false);
  if (kind === undefined || kind === "unit" || kind === "eof") return undefined;
  j += 4;
  while (j < end && isBlank(b[j])) j++;
  return metadata(b, j, end, kind, false);
}

function openMetricsComment(
  b: Uint8Array,
  i: number,
  end: number,
  eof: { seen: boolean },
): MetadataLine | undefined {
  const kind = b[i + 1] === SP ? keyword(b, i + 2, end, true) : undefined;
  if (kind === undefined) expected(b, i, '"# HELP", "# TYPE", "# UNIT" or "# EOF"');
  if (kind !== "eof") return metadata(b, i + 7, end, kind, true);
  if (i + 5 !== end && !(i + 6 === end && b[i + 5] === CR)) {
    fail(b, i + 5, 'expected end of line after "# EOF"');
  }
  if (end + 1 < b.length) fail(b, end + 1, 'unexpected data after "# EOF"');
  eof.seen = true;
  return undefined;
}

/** Matches `HELP `, `TYPE `, `UNIT ` (followed by a blank) or `EOF` at `j`. */
function keyword(b: Uint8Array, j: number, end: number, om: boolean) {
  if (j + 3 > end) return undefined;
  const word = ascii(b, j, j + 3);
  if (word === "EOF") return om ? "eof" : undefined;
  if (j + 4 >= end || !(om ? b[j + 4] === SP : isBlank(b[j + 4]))) return undefined;
  const long = word + String.fromCharCode(b[j + 3]);
  if (long === "HELP") return "help";
  if (long === "TYPE") return "type";
  if (long === "UNIT" && om) return "unit";
  return undefined;
}

/** Parses `name[ text]` of a HELP/TYPE/UNIT line between `j` and the line end. */
function metadata(
  b: Uint8Array,
  j: number,
  end: number,
  kind: "help" | "type" | "unit",
  om: boolean,
): MetadataLine {
  const keywordText = `"# ${kind.toUpperCase()}"`;
  const textEnd = end > j && b[end - 1] === CR ? end - 1 : end;
  const { name, next } = metricName(b, j, textEnd, keywordText);
  if (next < textEnd && !(om ? b[next] === SP : isBlank(b[next]))) {
    expected(b, next, `a space after the metric name in ${keywordText}`);
  }
  const from = Math.min(next + 1, textEnd);
  let text = decodeUtf8(b, from, textEnd);
  if (text === undefined) fail(b, from, `${kind} text is not valid UTF-8`);
  if (kind === "help") {
    if (text.includes("\\")) text = om ? unescapeValue(text) : unescapeHelp(text);
  } else if (kind === "type") {
    text = text.trimEnd();
    if (!(om ? OM_TYPES : TEXT_TYPES).has(text)) {
      fail(b, from, `invalid metric type ${JSON.stringify(text)}`);
    }
    if (text === "untyped") text = "unknown";
  } else if (text !== "" && !(name.endsWith(`_${text}`) && name.length > text.length + 1)) {
    fail(b, from, `unit ${JSON.stringify(text)} is not a suffix of metric ${JSON.stringify(name)}`);
  }
  const context =
    kind !== "type"
      ? TypeContext.Other
      : text === "histogram"
        ? TypeContext.Histogram
        : text === "summary"
          ? TypeContext.Summary
          : TypeContext.Other;
  return { name, kind, text, context };
}

/** Reads a metric name, bare or quoted, at `j`. */
function metricName(b: Uint8Array, j: number, end: number, keywordText: string) {
  if (j < end && b[j] === QUOTE) {
    let k = j + 1;
    let escaped = false;
    while (k < end && b[k] !== QUOTE) {
      if (b[k] === BACKSLASH) {
        escaped = true;
        k++;
      }
      k++;
    }
    if (k >= end) fail(b, j, `unterminated quoted metric name after ${keywordText}`);
    const raw = decodeUtf8(b, j + 1, k);
    if (raw === undefined) fail(b, j, "metric name is not valid UTF-8");
    const name = escaped ? unescapeValue(raw) : raw;
    if (name === "") fail(b, j, `metric name after ${keywordText} is empty`);
    return { name, next: k + 1 };
  }
  if (j >= end || (CLASS[b[j]] & NAME_START) === 0) {
    expected(b, j, `metric name after ${keywordText}`);
  }
  let k = j + 1;
  while (k < end && (CLASS[b[k]] & NAME_CHAR) !== 0) k++;
  return { name: ascii(b, j, k), next: k };
}

/** HELP in the text format escapes only `\\` and `\n`. */
function unescapeHelp(s: string): string {
  return s.replace(/\\([\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
}
