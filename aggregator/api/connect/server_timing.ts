/**
 * The `Server-Timing` header of a query's answer (W3C Server Timing): where the server spent
 * the call, for the browser's developer tools and for the dashboard benchmark's breakdown of a
 * page load. Durations only, never the query or its data.
 */
import type { QueryStats } from "../../promql/value.ts";

const ms = (seconds: number) => (seconds * 1000).toFixed(1);

/**
 * `wait` (parse and the wait for an evaluation slot), `select` (reading the series),
 * `eval` (evaluating), `encode` (converting the answer) and `total` (the handler, from the
 * call's arrival to its answer being ready), in milliseconds.
 */
export function serverTiming(stats: QueryStats, totalMs: number, encodeMs: number): string {
  const t = stats.timings;
  return [
    `wait;dur=${ms(t.parseSeconds)}`,
    `select;dur=${ms(t.queryPrepareSeconds)}`,
    `eval;dur=${ms(t.evalSeconds)}`,
    `encode;dur=${encodeMs.toFixed(1)}`,
    `total;dur=${totalMs.toFixed(1)}`,
  ].join(", ");
}
