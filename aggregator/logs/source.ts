/**
 * The seam between log storage (head ∪ Parquet) and its readers (the LogQL engine, the Loki
 * API). Defined here by its users and kept small: the engine asks for the records of the
 * streams that match a selector in a time range, in one direction, with the line filters it
 * can push down; storage answers in chunks so that a search with a limit stops early.
 */
import type { Labels } from "../../shared/model/labels.ts";
import type { LabelMatcher } from "../storage/storage.ts";

/** A line filter as LogQL writes it: `|= "x"`, `!= "x"`, `|~ "re"`, `!~ "re"`. */
export interface LineFilter {
  readonly op: "|=" | "!=" | "|~" | "!~";
  readonly value: string;
}

/** What to read: a stream selector, a half-open range [startNs, endNs), a direction. */
export interface LogSelectParams {
  readonly matchers: readonly LabelMatcher[];
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** "backward" yields newest first (Loki's default for log queries). */
  readonly direction: "forward" | "backward";
  /**
   * Line filters that hold before any parser stage: storage may apply them (records that fail
   * one need not be returned) but the engine applies them again, so applying none is correct.
   */
  readonly lineFilters: readonly LineFilter[];
  /** Stop after about this many records have been yielded (0: no limit). A hint, not a cut. */
  readonly limitHint: number;
}

/**
 * A chunk of records in the requested direction, as columns. Within the whole sequence of
 * chunks, records are ordered by time in the direction asked (ties in any stable order).
 */
export interface LogChunk {
  readonly length: number;
  /** Per record: index into `streams`. */
  readonly stream: Int32Array;
  /** Per record: nanoseconds since the Unix epoch. */
  readonly timeNs: BigInt64Array;
  readonly lines: readonly string[];
  /** Per record: structured fields `[n0, v0, …]` (empty array when none). */
  readonly fields: readonly (readonly string[])[];
  /** Stream label sets, sorted labels each. */
  readonly streams: readonly Labels[];
}

/** A consistent view over stored logs; files it reads stay alive until `close()`. */
export interface LogQuerier {
  /** Records of the matching streams, chunk by chunk. */
  select(params: LogSelectParams): AsyncIterable<LogChunk>;
  /** Stream label sets matching every matcher (all streams when empty) with data in the range. */
  streams(matchers: readonly LabelMatcher[], startNs: bigint, endNs: bigint): Promise<Labels[]>;
  /**
   * Optional pushdown for metric queries whose pipeline holds only line filters: the number
   * of records and their line bytes per stream and bucket, where bucket k holds the records
   * with `startNs + k·bucketNs < t ≤ startNs + (k+1)·bucketNs`. Storage without it is read
   * through `select()`.
   */
  buckets?(params: LogBucketParams): Promise<LogBuckets>;
  /** Releases the view. */
  close(): void;
}

/** What {@link LogQuerier.buckets} counts. */
export interface LogBucketParams {
  readonly matchers: readonly LabelMatcher[];
  readonly lineFilters: readonly LineFilter[];
  readonly startNs: bigint;
  readonly bucketNs: bigint;
  readonly buckets: number;
}

/** Per (stream, bucket) counts, one row per non-empty pair, in any order. */
export interface LogBuckets {
  readonly streams: readonly Labels[];
  readonly length: number;
  /** Per row: index into `streams`. */
  readonly stream: Int32Array;
  /** Per row: bucket index k. */
  readonly bucket: Int32Array;
  readonly count: Float64Array;
  /** Sum of the UTF-8 byte lengths of the lines. */
  readonly bytes: Float64Array;
}

/** Anything log queries can read: the logs head, Parquet, or the union of both. */
export interface LogQueryable {
  querier(): Promise<LogQuerier>;
  /** The tenant whose logs these are, when they are one tenant's: its query limits apply. */
  readonly tenant?: string;
  /** The tenants whose logs these are, when several's (federated): each one's limits apply. */
  readonly tenants?: readonly string[];
}
