/**
 * Prometheus's query annotations: warnings and infos that ride along with a result. Each is
 * rendered as the API shows it, the message followed by the `(line:column)` of the expression
 * it is about, and kept once however many steps or series raise it.
 */
import type { Span } from "../parser/ast.ts";
import { formatGoFloat, quoteGo } from "./format.ts";

/** Where `span` starts in `query`, as Prometheus's `PositionRange.StartPosInput` prints it. */
export function position(query: string, span: Span): string {
  if (span.start === span.end) return "unknown position";
  if (span.start < 0 || span.start > query.length) return "invalid position";
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < span.start; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${span.start - lastBreak}`;
}

/** The warnings and infos of one query. */
export class Annotations {
  private readonly warningSet = new Set<string>();
  private readonly infoSet = new Set<string>();

  constructor(private readonly query: string) {}

  /** Adds a "PromQL warning: …" about the expression at `span`. */
  warn(message: string, span: Span): void {
    this.warningSet.add(`PromQL warning: ${message} (${position(this.query, span)})`);
  }

  /** Adds a "PromQL info: …" about the expression at `span`. */
  info(message: string, span: Span): void {
    this.infoSet.add(`PromQL info: ${message} (${position(this.query, span)})`);
  }

  /** The warnings, in the order first raised. */
  get warnings(): string[] {
    return [...this.warningSet];
  }

  /** The infos, in the order first raised. */
  get infos(): string[] {
    return [...this.infoSet];
  }
}

/** The texts of the annotations the engine raises, worded as Prometheus 3 words them. */
export const messages = {
  invalidQuantile: (q: number) =>
    `quantile value should be between 0 and 1, got ${formatGoFloat(q)}`,
  invalidRatio: (r: number, to: number) =>
    `ratio value should be between -1 and 1, got ${formatGoFloat(r)}, capping to ${formatGoFloat(to)}`,
  possibleNonCounter: (name: string) =>
    `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${quoteGo(name)}`,
  badBucketLabel: (le: string, name: string) =>
    `bucket label "le" is missing or has a malformed value of ${quoteGo(le)}${forMetric(name)}`,
  forcedMonotonicity: (name: string) =>
    "input to histogram_quantile needed to be fixed for monotonicity (see " +
    `https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${forMetric(name)}`,
  sortInRangeQuery: () =>
    "sort is ineffective for range queries since results are always ordered by labels",
};

function forMetric(name: string): string {
  return name === "" ? "" : ` for metric name ${quoteGo(name)}`;
}
