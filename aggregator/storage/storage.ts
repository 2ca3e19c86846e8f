/**
 * The seams between the aggregator's storage and its readers (the PromQL engine, the HTTP API)
 * and writers (ingest, import). Defined here, by their users, and kept small: a reader sees
 * `Queryable → Querier → SeriesSamples[]` whether the data sits in the head, in Parquet, or both.
 */
import type { Labels } from "../../shared/model/labels.ts";

/** A label matcher as PromQL writes it: `name="v"`, `!=`, `=~` (anchored RE2), `!~`. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** An inclusive time range in Unix milliseconds. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The samples of one series in a range, ascending by timestamp, one sample per timestamp.
 * Staleness markers are kept: test them with `isStaleAt(new Uint32Array(values.buffer,
 * values.byteOffset, 2 * length), i)` because reading the NaN into a JS number loses its bits.
 */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly length: number;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /**
   * The same samples as disjoint slices in time order (one per stored file), when the reader
   * holds them apart: a reader that can walk them spares the copy that joins them (for a day
   * of hourly files, every sample). `timestamps` and `values` are then joined on first use.
   */
  readonly parts?: readonly SamplePart[];
}

/**
 * A run of one series' samples, ascending by time. A store may say more about its runs (the
 * query cache does: storage/cache/part.ts); the engine's reference path reads only these.
 */
export interface SamplePart {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** A consistent view over the stored data; files it reads stay alive until `close()`. */
export interface Querier {
  /** Series matching every matcher with their samples in `range`, sorted by labels. */
  select(matchers: readonly LabelMatcher[], range: TimeRange): Promise<SeriesSamples[]>;
  /** Label names of the series matching `matchers` (all series when empty), sorted. */
  labelNames(matchers: readonly LabelMatcher[], range: TimeRange): Promise<string[]>;
  /** Values of label `name` over the series matching `matchers`, sorted. */
  labelValues(name: string, matchers: readonly LabelMatcher[], range: TimeRange): Promise<string[]>;
  /** Releases the view (files it pinned may then be deleted). */
  close(): void;
  /**
   * The rollups of the series matching `matchers` (a querier over Parquet has them). With
   * `onlyIfFewer` (resolution `auto`), none where they would not be fewer rows than raw, or
   * hold more bytes than the raw samples. `fields`: the columns to read besides
   * `ROLLUP_BASE_FIELDS` (all when absent); the others come back empty.
   */
  rollups?(
    matchers: readonly LabelMatcher[],
    range: TimeRange,
    stepMs: number,
    opts?: { onlyIfFewer?: boolean; fields?: readonly RollupField[] },
  ): Promise<RollupRead>;
}

/**
 * The columns of rollup rows as they are built (by the reader of rollup files, the cache's
 * joins and the engine's folds of raw samples): row `i` sums up the samples in the window
 * (ends[i] − step, ends[i]]. Held compactly (`RollupRows`), since a month of a counter's 1 h
 * rows must fit the rollup cache and hold no more bytes than the samples they stand for
 * (rollup_cover.ts): sample times as 32-bit ages before the window's end (the widest tier's
 * window is an hour; 32 bits hold 24 days), reset counts in 32 bits, counts only as their
 * running total. The values stay doubles.
 */
export interface RollupColumns {
  readonly ends: Float64Array;
  /** The row's samples (only while built: held rows keep `countTotal`). */
  readonly count: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  /** 1 when every value of the row is an integer of magnitude ≤ 2^53. */
  readonly whole: Uint8Array;
  /** ms from the first sample to the window's end: its time is `ends[i] − firstAge[i]`. */
  readonly firstAge: Int32Array;
  readonly first: Float64Array;
  /** ms from the last sample to the window's end. */
  readonly lastAge: Int32Array;
  readonly last: Float64Array;
  /** Drops between consecutive samples inside the row, and the sum of the values dropped from. */
  readonly resets: Int32Array;
  readonly resetSum: Float64Array;
}

/**
 * One series' rollup rows (docs/storage.md, "Rollup files"), ascending by window end. Two rows
 * may share an end (the window on an hour has a row in both hours' files): the earlier
 * samples' row comes first. Built by `rollupRows()` (rollup_rows.ts) wherever they come from.
 * A read of some fields only (`Querier.rollups`' `fields`) holds the others as empty arrays,
 * and `sumTotal` empty without `sum`: a month of a gauge's 1 h rows for `max_over_time` is 28
 * bytes a row, for `sum_over_time` 36, a counter's for `rate` 52 (`rollupRowBytes`).
 */
export interface RollupRows extends Omit<RollupColumns, "count"> {
  readonly labels: Labels;
  readonly length: number;
  /** Running totals (`length + 1` entries): `countTotal[i]` is the count of rows [0, i). */
  readonly countTotal: Float64Array;
  /** The sums of rows [0, i), added in row order. */
  readonly sumTotal: Float64Array;
  /**
   * At least Σ count · max(|min|, |max|) over the rows, +Infinity where a row is not whole (or
   * that is not known): while it is ≤ 2^53, sums of the rows' values in any order are the
   * samples' sums (`exactSums`). Rows read without `min`, `max` and `whole` carry it still
   * (the reader totals it per series in its database), and a slice carries its run's.
   */
  readonly sumBound: number;
  /** `sumTotal` is exact (every row whole, no partial sum past 2^53): differences are sums. */
  readonly exactTotals: boolean;
}

/** Every column of rollup rows, in one order for every reader and writer of them. */
export const ROLLUP_FIELDS = [
  "ends",
  "count",
  "min",
  "max",
  "sum",
  "firstAge",
  "first",
  "lastAge",
  "last",
  "resets",
  "resetSum",
  "whole",
] as const satisfies readonly (keyof RollupColumns)[];

/** A column of rollup rows. */
export type RollupField = (typeof ROLLUP_FIELDS)[number];

/**
 * The columns every read of rollup rows holds: the window ends the walk over rows steps on,
 * the counts (a window's count is a difference of their running total), and the first
 * samples' ages, which order two rows of one end when rows are merged (rollup/rows.ts).
 */
export const ROLLUP_BASE_FIELDS: readonly RollupField[] = ["ends", "count", "firstAge"];

/**
 * What a querier read from rollups: the rows (sorted by labels), and the sample times they
 * stand for, whole hours; samples outside `covered` are read raw (null: none are covered).
 */
export interface RollupRead {
  readonly series: RollupRows[];
  readonly covered: TimeRange | null;
}

/** Anything that can be queried: the head, the Parquet files, or the union of both. */
export interface Queryable {
  /** Opens a view for one query. */
  querier(): Promise<Querier>;
  /** The tenant whose data this is, when it is one tenant's: its query limits apply. */
  readonly tenant?: string;
  /** The tenants whose data this is, when it is several's (federated): each one's limits apply. */
  readonly tenants?: readonly string[];
}

/** One series in a `SampleRows` set. */
export interface SeriesRef {
  readonly labels: Labels;
  /** `seriesHash(labels)`: the stable 64-bit series identity. */
  readonly hash: bigint;
  /** The `__name__` label ("" when absent). */
  readonly metric: string;
}

/**
 * Samples on their way to a Parquet file: columnar rows, each pointing into `series`.
 * `valueWords` views `values` as 32-bit words (staleness markers survive only there).
 */
export interface SampleRows {
  readonly series: readonly SeriesRef[];
  readonly length: number;
  readonly seriesIndex: Int32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly valueWords: Uint32Array;
}
