import { compareNames, type Labels } from "../model/labels.ts";
import {
  BACKSLASH,
  CLASS,
  COMMA,
  EQUALS,
  expected,
  fail,
  LABEL_CHAR,
  LABEL_START,
  LBRACE,
  NAME_CHAR,
  NAME_START,
  NL,
  QUOTE,
  RBRACE,
  SP,
  TAB,
} from "./bytes.ts";
import type { Interner } from "./intern.ts";
import {
  checkLength,
  ExpositionLimitError,
  NO_LIMITS,
  type ResolvedLimits,
  resolveLimits,
} from "./limits.ts";
import { formatOpenMetricsFloat, parseFloatText } from "./number.ts";

/**
 * The slow path: parses a series' name and label block into {@link Labels} when the cache
 * has not seen its bytes before. It validates everything Prometheus validates, so the hot
 * path may trust any bytes equal to a key it stored.
 */

const UNLIMITED = resolveLimits(NO_LIMITS);

/** `# TYPE` context that changes labels: Prometheus 3 normalises `le` / `quantile` values. */
export enum TypeContext {
  Other = 0,
  Histogram = 1,
  Summary = 2,
}

/** A parsed series: its labels, where its text ends, and whether the labels depend on the type context. */
export interface ParsedSeries {
  labels: Labels;
  end: number;
  contextual: boolean;
  /** Names of the labels written with an empty value (left out of `labels`), sorted; undefined when none. */
  empty: string[] | undefined;
}

/** Parse state for one series; strings are collected as name/value pairs. */
class SeriesReader {
  i: number;
  name: string | undefined = undefined;
  readonly pairs: string[] = [];

  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly n: number,
    readonly om: boolean,
    readonly strings: Interner,
    readonly limits: ResolvedLimits,
  ) {
    this.i = start;
  }

  /** Skips spaces and tabs, which the text format allows between tokens (OpenMetrics does not). */
  space(): void {
    if (this.om) return;
    const b = this.b;
    while (this.i < this.n && (b[this.i] === SP || b[this.i] === TAB)) this.i++;
  }

  /** Reads a quoted string at `i` (escapes `\\`, `\"`, `\n`), returning it decoded. */
  quoted(what: string): string {
    const { b, n } = this;
    const start = ++this.i;
    let escaped = false;
    let i = start;
    for (; i < n; i++) {
      const c = b[i];
      if (c === QUOTE) break;
      if (c === NL && this.om) i = n;
      else if (c === BACKSLASH) {
        escaped = true;
        if (++i < n && b[i] === NL) i = n;
      }
    }
    if (i >= n) fail(b, start - 1, `unterminated quoted ${what}`);
    if (i - start > this.limits.floor) {
      this.checkLength(what === "name" && !this.endsName(i + 1), i - start);
    }
    this.i = i + 1;
    const text = this.strings.text(b, start, i);
    if (text === undefined) fail(b, start, `${what} is not valid UTF-8`);
    return escaped ? unescapeValue(text) : text;
  }

  /** Reads an unquoted name of class `start`/`rest` at `i`: a label name, or else a metric name. */
  bare(start: number, rest: number): string | undefined {
    const { b, n } = this;
    const s = this.i;
    if (s >= n || (CLASS[b[s]] & start) === 0) return undefined;
    let i = s + 1;
    while (i < n && (CLASS[b[i]] & rest) !== 0) i++;
    if (i - s > this.limits.floor) this.checkLength(rest === LABEL_CHAR, i - s);
    this.i = i;
    return this.strings.text(b, s, i);
  }

  /** True when a quoted name closing before `i` is followed by `,` or `}`: it is the metric name. */
  endsName(i: number): boolean {
    const b = this.b;
    if (!this.om) while (i < this.n && (b[i] === SP || b[i] === TAB)) i++;
    return b[i] === COMMA || b[i] === RBRACE;
  }

  /** Checks a label name's (or a value's: metric names are `__name__`'s value) length in bytes. */
  checkLength(isName: boolean, length: number): void {
    const { name, value } = this.limits;
    if (isName) checkLength("label_name_length_limit", "a label name", length, name);
    else checkLength("label_value_length_limit", "a label value", length, value);
  }

  /** Checks the label count, `__name__` included, before one more label is added. */
  countLabel(): void {
    const max = this.limits.labels;
    if (this.pairs.length / 2 + 2 > max) {
      throw new ExpositionLimitError(
        "label_limit",
        `label_limit exceeded: more than ${max} labels in one series`,
      );
    }
  }

  setName(name: string, at: number): void {
    if (this.name !== undefined) fail(this.b, at, "metric name is set twice");
    if (name === "") fail(this.b, at, "metric name is empty");
    this.name = name;
  }
}

/**
 * Parses the series text starting at `start`: `name`, `name{labels}` or `{"name", labels}`.
 * Throws a line-numbered SyntaxError on anything Prometheus would reject.
 */
export function parseSeries(
  b: Uint8Array,
  start: number,
  n: number,
  om: boolean,
  context: TypeContext,
  strings: Interner,
  limits: ResolvedLimits = UNLIMITED,
): ParsedSeries {
  const r = new SeriesReader(b, start, n, om, strings, limits);
  const name = r.bare(NAME_START, NAME_CHAR);
  let end = r.i;
  if (name !== undefined) r.setName(name, start);
  r.space();
  if (r.i < n && b[r.i] === LBRACE) {
    readLabelBlock(r);
    end = r.i;
  } else if (name === undefined) {
    expected(b, start, 'metric name or "{"');
  }
  if (r.name === undefined) fail(b, start, "metric name is missing");
  return buildLabels(r, start, end, context);
}

/** Reads `{…}` at `r.i`: label pairs, or a quoted metric name followed by `,` or `}`. */
function readLabelBlock(r: SeriesReader): void {
  const b = r.b;
  r.i++;
  for (;;) {
    r.space();
    if (r.i >= r.n) expected(b, r.i, 'label name or "}"');
    const at = r.i;
    if (b[at] === RBRACE) break;
    let label: string | undefined;
    if (b[at] === QUOTE) label = r.quoted("name");
    else label = r.bare(LABEL_START, LABEL_CHAR);
    if (label === undefined) expected(b, at, 'label name or "}"');
    r.space();
    if (b[at] === QUOTE && (b[r.i] === COMMA || b[r.i] === RBRACE)) {
      r.setName(label, at);
      if (b[r.i] === COMMA) r.i++;
      continue;
    }
    if (b[r.i] !== EQUALS) expected(b, r.i, `"=" after label name ${JSON.stringify(label)}`);
    r.i++;
    r.space();
    if (b[r.i] !== QUOTE) expected(b, r.i, `quoted label value after "${label}="`);
    if (label === "") fail(b, at, "label name is empty");
    r.countLabel();
    r.pairs.push(label, r.quoted("label value"));
    r.space();
    if (b[r.i] === COMMA) r.i++;
    // The text format lets pairs follow each other without a comma (Prometheus does too).
    else if (r.om && b[r.i] !== RBRACE) expected(b, r.i, '"," or "}" after label value');
  }
  r.i++;
}

/** Sorts, checks for repeated names, normalises `le`/`quantile`, and sets empty values apart. */
function buildLabels(r: SeriesReader, start: number, end: number, ctx: TypeContext): ParsedSeries {
  const pairs = r.pairs;
  pairs.push("__name__", r.name!);
  let contextual = false;
  for (let k = 0; k < pairs.length; k += 2) {
    const name = pairs[k];
    if (name === "le" || name === "quantile") {
      contextual = true;
      if (ctx === (name === "le" ? TypeContext.Histogram : TypeContext.Summary)) {
        const f = parseFloatText(pairs[k + 1]);
        if (f !== undefined) pairs[k + 1] = formatOpenMetricsFloat(f);
      }
    }
  }
  sortPairs(pairs);
  const labels: string[] = [];
  let empty: string[] | undefined;
  for (let k = 0; k < pairs.length; k += 2) {
    if (k > 0 && pairs[k] === pairs[k - 2]) {
      fail(r.b, start, `label name ${JSON.stringify(pairs[k])} is not unique`);
    }
    if (pairs[k + 1] !== "") labels.push(pairs[k], pairs[k + 1]);
    else if (empty === undefined) empty = [pairs[k]];
    else empty.push(pairs[k]);
  }
  return { labels, end, contextual, empty };
}

/** Insertion sort of name/value pairs by name (label order): sets are small and often nearly sorted. */
function sortPairs(p: string[]): void {
  for (let k = 2; k < p.length; k += 2) {
    const name = p[k];
    const value = p[k + 1];
    let j = k - 2;
    while (j >= 0 && compareNames(p[j], name) > 0) {
      p[j + 2] = p[j];
      p[j + 3] = p[j + 1];
      j -= 2;
    }
    p[j + 2] = name;
    p[j + 3] = value;
  }
}

/** Undoes the exposition escapes `\\`, `\"` and `\n`; other backslashes stay as written. */
export function unescapeValue(s: string): string {
  return s.replace(/\\([\\"n])/g, (_, c: string) => (c === "n" ? "\n" : c));
}
