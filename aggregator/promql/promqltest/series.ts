/**
 * Series descriptions as the PromQL test scripts write them (`metric{a="b"} 1+2x3 _ stale`):
 * a label set, then points in the expanding syntax of `promtool unittest`. Native histogram
 * points (`{{schema:1 sum:3 buckets:[1 2]}}`) are recognised and counted but not modelled.
 */
import { unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";

/**
 * One point of an expanded description: a float, `"_"` (no sample at this step), `"stale"`
 * (the staleness marker, which a JS number cannot carry) or `"histogram"` (a native histogram).
 */
export type SequenceValue = number | "_" | "stale" | "histogram";

/** A parsed series description. */
export interface SeriesDesc {
  readonly labels: Labels;
  readonly values: SequenceValue[];
}

const METRIC_START = /[a-zA-Z_:]/;
const METRIC_PART = /[a-zA-Z0-9_:]/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const NUM = String.raw`(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[iI][nN][fF]|[nN][aA][nN])`;
/** `v`, `vxN`, `v+dxN`, `v-dxN` with an optional sign on `v`. */
const FLOAT_ITEM = new RegExp(`^([+-]?${NUM})(?:([+-]${NUM})x(\\d+)|x(\\d+))?$`);
const HISTOGRAM_ITEM = /^\{\{[^}]*\}\}(?:[+-]\{\{[^}]*\}\})?(?:x(\d+))?$/;

/** Parses one description line: `metric{labels} points…`. Throws a SyntaxError. */
export function parseSeriesDesc(text: string): SeriesDesc {
  const fail = (reason: string) =>
    new SyntaxError(`Cannot parse series description "${text}": ${reason}`);
  let i = 0;
  let name = "";
  while (i < text.length && (i === 0 ? METRIC_START : METRIC_PART).test(text[i])) i++;
  name = text.slice(0, i);
  const entries: [string, string][] = [];
  if (text[i] === "{") {
    try {
      i = parseLabelSet(text, i + 1, entries);
    } catch (error) {
      throw fail((error as Error).message);
    }
  }
  if (name !== "") entries.push(["__name__", name]);
  if (i < text.length && !/\s/.test(text[i])) throw fail(`unexpected "${text[i]}"`);
  let values: SequenceValue[];
  try {
    values = expandValues(text.slice(i));
  } catch (error) {
    throw fail((error as Error).message);
  }
  return { labels: labelsFromEntries(entries), values };
}

/**
 * Reads `a="b", "c"="d", "metric"}` from `start` (just after `{`) into `entries`; a lone
 * quoted string names the metric. Returns the index after `}`.
 */
function parseLabelSet(text: string, start: number, entries: [string, string][]): number {
  let i = skipSpace(text, start);
  while (text[i] !== "}") {
    if (i >= text.length) throw new Error("missing }");
    let name: string;
    let quoted = false;
    if (isQuote(text[i])) {
      [name, i] = readQuoted(text, i);
      quoted = true;
    } else {
      const m = LABEL_NAME.exec(text.slice(i));
      if (m === null) throw new Error(`expected a label name at "${text.slice(i)}"`);
      name = m[0];
      i += name.length;
    }
    i = skipSpace(text, i);
    if (text[i] === "=") {
      i = skipSpace(text, i + 1);
      if (!isQuote(text[i])) throw new Error(`expected a quoted value for label ${name}`);
      let value: string;
      [value, i] = readQuoted(text, i);
      entries.push([name, value]);
    } else if (quoted) {
      entries.push(["__name__", name]);
    } else {
      throw new Error(`expected "=" after label ${name}`);
    }
    i = skipSpace(text, i);
    if (text[i] === ",") i = skipSpace(text, i + 1);
    else if (text[i] !== "}") throw new Error(`expected "," or "}" at "${text.slice(i)}"`);
  }
  return i + 1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function isQuote(c: string | undefined): boolean {
  return c === '"' || c === "'" || c === "`";
}

/** Reads the quoted string at `start`; returns its unquoted value and the index after it. */
export function readQuoted(text: string, start: number): [string, number] {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === "\\" && quote !== "`" ? 2 : 1;
  if (i >= text.length) throw new Error(`unterminated string ${text.slice(start)}`);
  return [unquote(text.slice(start, i + 1)), i + 1];
}

/** Expands the points part of a description (`1+2x3 _ stale`) into one value per step. */
export function expandValues(text: string): SequenceValue[] {
  const out: SequenceValue[] = [];
  for (const item of splitItems(text)) expandItem(item, out);
  return out;
}

/** Splits on whitespace, keeping `{{…}}` histogram literals (which contain spaces) whole. */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let i = skipSpace(text, 0);
  while (i < text.length) {
    const start = i;
    while (i < text.length && !/\s/.test(text[i])) {
      if (text.startsWith("{{", i)) {
        const end = text.indexOf("}}", i);
        if (end < 0) throw new Error(`unterminated histogram ${text.slice(i)}`);
        i = end + 2;
      } else i++;
    }
    items.push(text.slice(start, i));
    i = skipSpace(text, i);
  }
  return items;
}

function expandItem(item: string, out: SequenceValue[]): void {
  if (item === "_" || item === "stale") {
    out.push(item);
    return;
  }
  const blanks = /^_x(\d+)$/.exec(item);
  if (blanks !== null) {
    // `_xN` is N gaps, unlike `vxN`, which is N+1 points.
    for (let n = Number(blanks[1]); n > 0; n--) out.push("_");
    return;
  }
  const histogram = HISTOGRAM_ITEM.exec(item);
  if (histogram !== null) {
    const count = histogram[1] === undefined ? 1 : Number(histogram[1]) + 1;
    for (let n = 0; n < count; n++) out.push("histogram");
    return;
  }
  const m = FLOAT_ITEM.exec(item);
  if (m === null) throw new Error(`unexpected "${item}" in series values`);
  let value = parseNumberLiteral(m[1]);
  const times = Number(m[3] ?? m[4] ?? 0);
  const step = m[2] === undefined ? 0 : parseNumberLiteral(m[2]);
  for (let n = 0; n <= times; n++) {
    out.push(value);
    // Accumulated, not multiplied, so rounding matches Prometheus's expansion.
    value += step;
  }
}

/**
 * A PromQL number literal with an optional sign: decimal, exponent, `Inf`, `NaN`, or an
 * integer with a leading 0 read as octal (Go's base-0 integer parsing, tried first).
 */
export function parseNumberLiteral(text: string): number {
  const sign = text[0] === "-" ? -1 : 1;
  const body = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  const lower = body.toLowerCase();
  if (lower === "inf") return sign * Number.POSITIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  if (/^0[0-7]+$/.test(body)) return sign * Number.parseInt(body, 8);
  return sign * Number(body);
}

/**
 * Go's `strconv.ParseInt(s, 0, 64)` then `ParseFloat(s, 64)`, as the scripts read a scalar
 * result line; undefined when the line is not a number.
 */
export function parseGoNumber(text: string): number | undefined {
  const m = /^([+-]?)(.*)$/.exec(text)!;
  const sign = m[1] === "-" ? -1 : 1;
  const body = m[2];
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) return sign * Number.parseInt(body.slice(2), 16);
  if (/^0[oO][0-7]+$/.test(body)) return sign * Number.parseInt(body.slice(2), 8);
  if (/^0[bB][01]+$/.test(body)) return sign * Number.parseInt(body.slice(2), 2);
  if (/^0[0-7]+$/.test(body)) return sign * Number.parseInt(body, 8);
  if (/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(body)) return sign * Number(body);
  const lower = body.toLowerCase();
  if (lower === "inf" || lower === "infinity") return sign * Number.POSITIVE_INFINITY;
  if (lower === "nan" && m[1] === "") return Number.NaN;
  return undefined;
}
