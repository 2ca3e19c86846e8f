/**
 * Tracks the loaded series whose data Outpost's storage cannot hold (native histograms,
 * start timestamps) and tells which evals read them, so those are skipped with the reason
 * rather than failed. With the parser, an eval is skipped when one of its selectors matches
 * such a series; without it, when its text names one.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { compileMatchers } from "../../storage/matchers.ts";
import type { Expr, VectorSelector } from "../parser/ast.ts";
import type { QueryParser } from "./atmodifier.ts";
import { metricName } from "./script.ts";

/** The reason given for evals that need native histograms. */
export const NATIVE_HISTOGRAMS = "native histograms are not supported";
/** The reason given for evals over series loaded with start timestamps. */
export const START_TIMESTAMPS = "start timestamps are not supported";

/** The series loaded since the last `clear` that this storage could not represent. */
export class Unsupported {
  #series: { labels: Labels; reason: string }[] = [];

  /** Notes a series (full label set) whose data was not loaded faithfully. */
  add(labels: Labels, reason: string): void {
    this.#series.push({ labels, reason });
  }

  /** Forgets everything (a `clear` command). */
  clear(): void {
    this.#series = [];
  }

  /** Why `query` cannot run here, or null when it reads none of the noted series. */
  reasonFor(query: string, parser?: QueryParser): string | null {
    if (this.#series.length === 0) return null;
    let selectors: VectorSelector[] | undefined;
    try {
      selectors = parser === undefined ? undefined : selectorsOf(parser.parseExpr(query));
    } catch {
      // Syntax the parser does not know yet: judge by the text instead.
    }
    if (selectors === undefined) return this.#byText(query);
    for (const s of selectors) {
      const matches = compileMatchers(s.matchers);
      const hit = this.#series.find((u) => matches(u.labels));
      if (hit !== undefined) return hit.reason;
    }
    return null;
  }

  /** Without a parser: a word of the query is a noted metric name, or a quoted regex matches one. */
  #byText(query: string): string | null {
    const words = new Set(query.split(/[^\p{L}\p{N}_:.]+/u));
    const patterns = [...query.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)].map(
      (m) => m[1] ?? m[2],
    );
    for (const u of this.#series) {
      const name = metricName(u.labels);
      if (words.has(name) || patterns.some((p) => fullMatch(p, name))) return u.reason;
    }
    return null;
  }
}

function fullMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return false;
  }
}

/** Every vector selector in the tree, including those inside range selectors and subqueries. */
export function selectorsOf(e: Expr, out: VectorSelector[] = []): VectorSelector[] {
  switch (e.type) {
    case "VectorSelector":
      out.push(e);
      break;
    case "MatrixSelector":
      out.push(e.vector);
      break;
    case "SubqueryExpr":
    case "UnaryExpr":
    case "ParenExpr":
      selectorsOf(e.expr, out);
      break;
    case "Call":
      for (const a of e.args) selectorsOf(a, out);
      break;
    case "AggregateExpr":
      selectorsOf(e.expr, out);
      if (e.param !== null) selectorsOf(e.param, out);
      break;
    case "BinaryExpr":
      selectorsOf(e.lhs, out);
      selectorsOf(e.rhs, out);
      break;
  }
  return out;
}

/**
 * The native histogram `load_with_nhcb` derives from a classic histogram series: `x_bucket`,
 * `x_count` and `x_sum` become `x` without the `le` label; undefined for other series.
 */
export function nhcbSeriesOf(labels: Labels): Labels | undefined {
  const m = /^(.+)_(?:bucket|count|sum)$/.exec(metricName(labels));
  if (m === null) return undefined;
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (labels[i] === "le") continue;
    out.push(labels[i], labels[i] === "__name__" ? m[1] : labels[i + 1]);
  }
  return out;
}
