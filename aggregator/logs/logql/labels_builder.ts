/**
 * The label set of one log line as it moves through a pipeline, after Loki's
 * `LabelsBuilder`: stream labels at the base, structured metadata above them, parsed labels
 * on top (a parser's label wins over both), deletions, and the `__error__` /
 * `__error_details__` pair. One builder is reused for every line of a query.
 */
import type { Labels } from "../../../shared/model/labels.ts";

/** The label Loki puts a pipeline error in. */
export const ERROR_LABEL = "__error__";
/** The label with the error's message. */
export const ERROR_DETAILS_LABEL = "__error_details__";
/** `__error__` of a line `| json` could not parse. */
export const ERR_JSON = "JSONParserErr";
/** `__error__` of a line `| logfmt --strict` could not parse. */
export const ERR_LOGFMT = "LogfmtParserErr";
/** `__error__` of a value a numeric, duration or bytes filter could not read. */
export const ERR_LABEL_FILTER = "LabelFilterErr";
/** `__error__` of a template that failed. */
export const ERR_TEMPLATE = "TemplateFormatErr";
/** `__error__` of a value `unwrap` could not convert. */
export const ERR_SAMPLE = "SampleExtractionErr";

/** Suffix of a parsed label whose name a stream label already has. */
export const DUPLICATE_SUFFIX = "_extracted";

function indexOfName(labels: readonly string[], name: string): number {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return i;
  return -1;
}

/** Labels of one line: stream, structured metadata and parsed, with deletions and errors. */
export class LabelsBuilder {
  base: Labels = [];
  meta: readonly string[] = [];
  /** Parsed labels, `[n0, v0, …]` in the order set. */
  private parsed: string[] = [];
  private deleted: string[] = [];
  /** Names earlier stages extracted; a later parser leaves them alone (Loki 3). */
  private extracted: string[] = [];
  /** Names the current stage set. */
  private pending: string[] = [];
  err = "";
  errDetails = "";

  /** Starts a new line of a stream. */
  reset(base: Labels, meta: readonly string[]): void {
    this.base = base;
    this.meta = meta;
    if (this.parsed.length > 0) this.parsed = [];
    if (this.deleted.length > 0) this.deleted = [];
    if (this.extracted.length > 0) this.extracted = [];
    if (this.pending.length > 0) this.pending = [];
    this.err = "";
    this.errDetails = "";
  }

  /** True when nothing changed the stream's labels. */
  get unchanged(): boolean {
    return (
      this.parsed.length === 0 &&
      this.deleted.length === 0 &&
      this.err === "" &&
      this.errDetails === ""
    );
  }

  /** Whether the stream labels have `name` (Loki's `BaseHas`). */
  baseHas(name: string): boolean {
    return indexOfName(this.base, name) >= 0;
  }

  /** The value of a label (parsed, then metadata, then stream), or undefined. */
  get(name: string): string | undefined {
    const p = indexOfName(this.parsed, name);
    if (p >= 0) return this.parsed[p + 1];
    if (this.deleted.length > 0 && this.deleted.includes(name)) return undefined;
    const m = indexOfName(this.meta, name);
    if (m >= 0) return this.meta[m + 1];
    const b = indexOfName(this.base, name);
    return b >= 0 ? this.base[b + 1] : undefined;
  }

  /** Sets a parsed label. */
  set(name: string, value: string): void {
    const p = indexOfName(this.parsed, name);
    if (p >= 0) this.parsed[p + 1] = value;
    else this.parsed.push(name, value);
    if (!this.pending.includes(name)) this.pending.push(name);
  }

  /** Whether a parser may still extract `name`: not when an earlier stage extracted it. */
  shouldExtract(name: string): boolean {
    return this.extracted.length === 0 || !this.extracted.includes(name);
  }

  /** Ends a stage: what it set is now off limits to later parsers. */
  endStage(): void {
    if (this.pending.length === 0) return;
    for (const n of this.pending) if (!this.extracted.includes(n)) this.extracted.push(n);
    this.pending.length = 0;
  }

  /** Removes a label, whatever its origin. */
  del(name: string): void {
    const p = indexOfName(this.parsed, name);
    if (p >= 0) this.parsed.splice(p, 2);
    if (!this.deleted.includes(name)) this.deleted.push(name);
  }

  /** Sets the error label (and its details when given). */
  setErr(err: string, details?: string): void {
    this.err = err;
    if (details !== undefined) this.errDetails = details;
  }

  /** Every visible label name: stream, metadata, then parsed. */
  names(): string[] {
    const out: string[] = [];
    for (const set of [this.base, this.meta, this.parsed]) {
      for (let i = 0; i < set.length; i += 2) {
        const n = set[i];
        if (!out.includes(n) && this.get(n) !== undefined) out.push(n);
      }
    }
    return out;
  }

  /** All labels as a record (what templates see), errors included. */
  record(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const n of this.names()) out[n] = this.get(n)!;
    if (this.err !== "") out[ERROR_LABEL] = this.err;
    if (this.errDetails !== "") out[ERROR_DETAILS_LABEL] = this.errDetails;
    return out;
  }

  /**
   * The line's result labels, sorted: stream and parsed labels and the error pair. Empty
   * values are dropped, as everywhere in Outpost; structured metadata stays out (see
   * query.ts on why it is not part of a result's identity).
   */
  labels(): Labels {
    if (this.unchanged) return this.base;
    // Added labels (few) are sorted by insertion, then merged with the sorted stream labels.
    const added: string[] = [];
    for (let i = 0; i < this.parsed.length; i += 2) {
      if (this.parsed[i + 1] !== "") insertSorted(added, this.parsed[i], this.parsed[i + 1]);
    }
    if (this.err !== "") insertSorted(added, ERROR_LABEL, this.err);
    if (this.errDetails !== "") insertSorted(added, ERROR_DETAILS_LABEL, this.errDetails);
    const out: string[] = [];
    let a = 0;
    for (let i = 0; i < this.base.length; i += 2) {
      const n = this.base[i];
      if (this.deleted.length > 0 && this.deleted.includes(n)) continue;
      if (indexOfName(this.parsed, n) >= 0) continue;
      while (a < added.length && added[a] < n) out.push(added[a++], added[a++]);
      out.push(n, this.base[i + 1]);
    }
    while (a < added.length) out.push(added[a++], added[a++]);
    return out;
  }
}

/** Inserts a pair into a flat label list kept sorted by name. */
function insertSorted(list: string[], name: string, value: string): void {
  let i = list.length;
  while (i > 0 && list[i - 2] > name) i -= 2;
  list.splice(i, 0, name, value);
}

const VALID_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Loki's `sanitizeLabelKey`: trims, prefixes a leading digit with `_`, maps other runes to `_`. */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  if (VALID_NAME.test(key)) return key;
  const cache = isPrefix ? SANITIZED_PREFIX : SANITIZED;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const out = sanitize(key, isPrefix);
  // Keys repeat from line to line; the cache is bounded as Loki's interned key set is.
  if (cache.size < 1024) cache.set(key, out);
  return out;
}

const SANITIZED = new Map<string, string>();
const SANITIZED_PREFIX = new Map<string, string>();

function sanitize(key: string, isPrefix: boolean): string {
  const k = key.trim();
  if (k === "") return k;
  let out = isPrefix && k[0] >= "0" && k[0] <= "9" ? "_" : "";
  for (const c of k) out += /^[a-zA-Z0-9_]$/.test(c) ? c : "_";
  return out;
}
