/**
 * The log record as agent and aggregator carry it (DESIGN.md §3): a timestamp in nanoseconds,
 * the labels of its stream, the line, and optional structured fields.
 */
import type { Labels } from "./labels.ts";

/** One log line with its stream and time. */
export interface LogRecord {
  /** Nanoseconds since the Unix epoch. */
  readonly timeNs: bigint;
  /** Stream labels, sorted (see {@link Labels}); `job`, `host`, `filename`, `level`, … */
  readonly labels: Labels;
  /** The line, valid UTF-8, without its trailing newline. */
  readonly line: string;
  /**
   * Structured fields kept beside the line but not part of the stream identity
   * (`[n0, v0, n1, v1, …]`, in insertion order); empty when there are none.
   */
  readonly fields: readonly string[];
}

/** Nanoseconds in one millisecond, as a bigint. */
export const NS_PER_MS = 1_000_000n;
