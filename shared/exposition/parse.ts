import { SLICE_MS, Turns } from "../runtime/turns.ts";
import {
  atLineEnd,
  CLASS,
  expected,
  fail,
  HASH,
  LBRACE,
  NAME_CHAR,
  NL,
  SP,
  skipLineEnd,
  TAB,
  textTokenEnd,
} from "./bytes.ts";
import { ANY_CONTEXT, CacheEntry, type SeriesCache, type SeriesEntry } from "./cache.ts";
import { skipExemplar, tokenEnd } from "./exemplar.ts";
import { Interner } from "./intern.ts";
import { type ExpositionLimits, NO_LIMITS, type ResolvedLimits, resolveLimits } from "./limits.ts";
import { parseComment } from "./metadata.ts";
import { parseOpenMetricsTimestamp, parseTextTimestamp, parseValue } from "./number.ts";
import { FNV_PRIME, scanHash, scanLabels } from "./scan.ts";
import { parseSeries, TypeContext } from "./series.ts";

/*
 * The grammar and checks follow Prometheus 3's text and OpenMetrics parsers, including their
 * quirks: in the text format blanks may appear between any tokens and label pairs need no
 * comma; `le` (after `# TYPE … histogram`) and `quantile` (after `# TYPE … summary`) values are
 * rewritten in OpenMetrics float form ("1" → "1.0"); OpenMetrics timestamps are seconds,
 * truncated to ms. Where we differ, on purpose:
 * - CRLF line ends are accepted in both formats.
 * - A repeated label name in one series is an error (Prometheus would fail later, in storage).
 * - A series repeated at the same timestamp keeps its first sample and counts the rest as
 *   duplicates (Prometheus rejects the repeat only when the value differs).
 * - HELP/TYPE need a blank after the metric name; TYPE ignores trailing blanks; an
 *   OpenMetrics HELP or UNIT line may end right after the name.
 * - Exemplars are checked for syntax and dropped; their label values are not UTF-8-checked.
 */

/**
 * What the parser does with a series its cache does not know: `store` it (the default);
 * `parse` it, checked and handed over in an entry of its own that is kept nowhere; or `skip`
 * it, handed over as {@link UNPARSED_SERIES} without reading its labels. A handler that keeps
 * no more samples but still counts them (as Prometheus reads on past sample_limit) picks one of
 * the last two, so that the rest of a body costs no memory.
 */
export type NewSeriesMode = "store" | "parse" | "skip";

/** The entry a series the cache does not know arrives with in `skip` mode: no labels. */
export const UNPARSED_SERIES: SeriesEntry = new CacheEntry([], 0);

/** Receives what {@link parseExposition} finds, in input order. */
export interface ExpositionHandler {
  /** One sample; `timestampMs` is NaN when the line has no timestamp. */
  sample(entry: SeriesEntry, value: number, timestampMs: number): void;
  /** HELP, TYPE (OpenMetrics spelling: "untyped" arrives as "unknown") or UNIT of a metric family. */
  metadata?(name: string, kind: "type" | "help" | "unit", text: string): void;
  /** Read at every series the cache does not know; `store` when absent. */
  readonly newSeriesMode?: NewSeriesMode;
}

/** Counts from one parse, for the scrape loop's self-metrics. */
export interface ParseStats {
  /** Samples passed to the handler. */
  samples: number;
  /** Samples dropped because their series already had a sample at that timestamp in this scrape. */
  duplicates: number;
  /** Series spellings the cache had not seen (each cost a full label parse). */
  misses: number;
  /** OpenMetrics exemplars checked and ignored. */
  exemplars: number;
}

/** Exposition format of a scrape body. */
export type ExpositionFormat = "text" | "openmetrics";

/** Picks the parser for a Content-Type: OpenMetrics when announced, else the text format 0.0.4. */
export function detectFormat(contentType: string | null): ExpositionFormat {
  const mediaType = contentType?.split(";", 1)[0].trim().toLowerCase();
  return mediaType === "application/openmetrics-text" ? "openmetrics" : "text";
}

// FNV-1a, 32 bits: cheap enough to compute while scanning for the end of the series.
const FNV_OFFSET = 0x811c9dc5 | 0;

/**
 * Parses a Prometheus text (0.0.4) or OpenMetrics (1.0) body, calling `handler.sample` for
 * every sample. Series are resolved through `cache`, so a series already seen costs a hash,
 * a byte comparison and a number parse. Throws a SyntaxError naming the 1-based line on the
 * first malformed line, and an ExpositionLimitError on the first new series over `limits`;
 * like Prometheus, the caller then discards the whole scrape.
 * Call `cache.beginScrape()` before and `cache.sweep()` after each scrape.
 */
export function parseExposition(
  body: Uint8Array,
  format: ExpositionFormat,
  cache: SeriesCache,
  handler: ExpositionHandler,
  limits: ExpositionLimits = NO_LIMITS,
): ParseStats {
  const p = new Parser(body, format === "openmetrics", cache, handler, limits);
  p.step(Number.POSITIVE_INFINITY);
  return p.stats;
}

/**
 * {@link parseExposition} sharing the thread: it parses for a slice, then lets timers and I/O
 * run before going on, so a body of a million new series (seconds of work) does not hold
 * other targets' scrapes. The caller must not touch `cache` until it resolves.
 */
export async function parseExpositionInTurns(
  body: Uint8Array,
  format: ExpositionFormat,
  cache: SeriesCache,
  handler: ExpositionHandler,
  limits: ExpositionLimits = NO_LIMITS,
): Promise<ParseStats> {
  const p = new Parser(body, format === "openmetrics", cache, handler, limits);
  const turns = new Turns();
  while (!p.step(performance.now() + SLICE_MS)) await turns.turn();
  return p.stats;
}

class Parser {
  readonly stats: ParseStats = { samples: 0, duplicates: 0, misses: 0, exemplars: 0 };
  private readonly n: number;
  private readonly gen: number;
  private context = TypeContext.Other;
  private readonly eof = { seen: false };
  private readonly dv: DataView;
  /** Shares label strings among the series first seen in this parse; made on the first miss. */
  private strings: Interner | undefined;
  /** Where the next {@link step} goes on. */
  private pos = 0;
  private readonly limits: ResolvedLimits;

  constructor(
    private readonly b: Uint8Array,
    private readonly om: boolean,
    private readonly cache: SeriesCache,
    private readonly handler: ExpositionHandler,
    limits: ExpositionLimits,
  ) {
    this.limits = resolveLimits(limits);
    this.n = b.length;
    this.gen = cache.gen;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Parses lines until the end (true) or until `deadline` passes (false: call again to go on). */
  step(deadline: number): boolean {
    const { b, n, om } = this;
    let i = this.pos;
    let lines = 0;
    while (i < n) {
      // The clock is read every 256 lines: cheap against a line's parse.
      if ((++lines & 255) === 0 && performance.now() >= deadline) {
        this.pos = i;
        return false;
      }
      let c = b[i];
      if (!om) {
        while (c === SP || c === TAB) c = ++i < n ? b[i] : NL;
      }
      if (c === HASH) {
        const end = this.comment(i);
        if (this.eof.seen) return true;
        i = skipLineEnd(b, end, n);
      } else if (atLineEnd(b, i, n)) {
        if (om) fail(b, i, "unexpected blank line");
        i = skipLineEnd(b, i, n);
      } else {
        i = skipLineEnd(b, this.sample(i), n);
      }
    }
    if (om) fail(b, n, 'expected "# EOF" as the last line');
    return true;
  }

  /** Handles the `#` line at `i` through the metadata cache; returns the index of its line end. */
  private comment(i: number): number {
    const { b, n, cache } = this;
    let h = FNV_OFFSET;
    let end = i;
    for (; end < n; end++) {
      const c = b[end];
      if (c === NL) break;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    let line = cache.lookupMetadata(b, this.dv, i, end, h, this.om);
    if (line === undefined) {
      line = parseComment(b, i, end, this.om, this.eof);
      if (line === undefined) return end; // a comment, or # EOF
      cache.insertMetadata(b, i, end, h, this.om, line);
    }
    if (line.kind === "type") this.context = line.context;
    this.handler.metadata?.(line.name, line.kind, line.text);
    return end;
  }

  /** Parses the sample line starting at `start`; returns the index of its line end. */
  private sample(start: number): number {
    const { b, n, om, cache } = this;
    const context = this.context;
    let i = start;
    let h = FNV_OFFSET;
    for (; i < n; i++) {
      const c = b[i];
      if ((CLASS[c] & NAME_CHAR) === 0) break;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    if (!om) {
      // The text format allows blanks between the name and "{": they belong to the key.
      let j = i;
      while (j < n && (b[j] === SP || b[j] === TAB)) j++;
      if (j < n && b[j] === LBRACE && j > i) {
        for (; i < j; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
      }
    }
    let end = i;
    if (i < n && b[i] === LBRACE) {
      end = scanLabels(b, i, n, om, h);
      h = scanHash;
    }
    let entry = end < 0 ? undefined : cache.lookup(b, this.dv, start, end, h, om, context);
    if (entry === undefined) {
      const mode = this.handler.newSeriesMode;
      if (mode === "skip" && end >= 0) return this.rest(UNPARSED_SERIES as CacheEntry, true, end);
      entry = this.miss(start, end, h, context);
      // An entry kept nowhere cannot tell a repeat: each of its samples passes.
      if (mode === "parse") return this.rest(entry, true, end);
    }
    const firstInScrape = entry.seenGen !== this.gen;
    entry.seenGen = this.gen;
    return this.rest(entry, firstInScrape, end);
  }

  /** Parses a series the cache does not know and stores it, unless the handler keeps no more. */
  private miss(start: number, end: number, h: number, context: TypeContext) {
    const store = this.handler.newSeriesMode !== "parse";
    // Strings shared across a parse would be kept for it: not for series kept nowhere.
    if (store) this.strings ??= new Interner();
    const strings = store ? (this.strings as Interner) : new Interner();
    const { b, n, om, limits } = this;
    const parsed = parseSeries(b, start, n, om, context, strings, limits);
    if (parsed.end !== end) {
      throw new Error(
        `Cannot parse exposition: series scan ended at ${end}, parse at ${parsed.end}`,
      );
    }
    this.stats.misses++;
    if (!store) return new CacheEntry(parsed.labels, 0, parsed.empty);
    const keyContext = parsed.contextual ? context : ANY_CONTEXT;
    const { labels, empty } = parsed;
    return this.cache.insert(this.b, start, end, h, this.om, keyContext, labels, empty);
  }

  /** Parses value, timestamp and exemplar after the series ending at `i`, then emits the sample. */
  private rest(entry: CacheEntry, firstInScrape: boolean, i: number): number {
    const { b, n, om } = this;
    let ts = Number.NaN;
    let e: number;
    if (om) {
      if (b[i] !== SP) expected(b, i, "a space and a value after the series");
      e = tokenEnd(b, ++i, n);
    } else {
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      e = textTokenEnd(b, i, n);
    }
    if (e === i) expected(b, i, "a value after the series");
    const value = parseValue(b, i, e);
    i = e;
    if (om) {
      if (b[i] === SP && b[i + 1] !== HASH) {
        e = tokenEnd(b, ++i, n);
        ts = parseOpenMetricsTimestamp(b, i, e);
        i = e;
      }
      if (b[i] === SP) {
        i = skipExemplar(b, i, n);
        this.stats.exemplars++;
      }
    } else {
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (!atLineEnd(b, i, n)) {
        e = textTokenEnd(b, i, n);
        ts = parseTextTimestamp(b, i, e);
        i = e;
        while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      }
    }
    if (!atLineEnd(b, i, n)) expected(b, i, "end of line after the sample");
    this.emit(entry, firstInScrape, value, ts);
    return i;
  }

  /** Passes the sample on unless its series already had one at this timestamp in this scrape. */
  private emit(entry: CacheEntry, firstInScrape: boolean, value: number, ts: number): void {
    const prev = entry.seenTs;
    if (!firstInScrape && (ts === prev || (Number.isNaN(ts) && Number.isNaN(prev)))) {
      this.stats.duplicates++;
      return;
    }
    entry.seenTs = ts;
    this.stats.samples++;
    this.handler.sample(entry, value, ts);
  }
}
