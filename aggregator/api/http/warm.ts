/**
 * The query warm-up: once the query cache is warm, the common dashboard shapes are run once
 * over the largest metric it holds, through the query service and the Prometheus API's JSON encoder, and their
 * answers thrown away. The first request of a shape after a start was twice as slow as the
 * next (a 24 h `sum(rate)` over 10,000 series: 161 against 77 ms): JavaScriptCore compiles a
 * function's hot loops only after they have run for a while, and the engine's loops (window
 * walks, lookups, folds, vector matching, the encoder, the rate helper thread's walk) had
 * never run. Warming them on a toy series would not do: a loop is compiled by the optimising
 * tiers only after many iterations, which the real data gives. The shapes run one at a time,
 * in the engine's slots and with its turns, so a user's query that arrives meanwhile waits at
 * most a slice; they stop when the aggregator stops. `query.cache_warm: 0` turns this off with
 * the cache warm-up.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Engine } from "../../promql/engine/engine.ts";
import type { Queryable } from "../../storage/storage.ts";
import { rangeQuery } from "../query/run.ts";
import { type AnswerWriting, queryDataJsonParallel } from "./large_answers.ts";
import { giveBack } from "./series_bytes.ts";

const log = logger("query");

/** The metric the shapes run on (the store's `warmed()`), and the span it was warmed over. */
export interface WarmTarget {
  readonly tenant: string;
  readonly metric: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** What the warm-up runs queries with. */
export interface WarmDeps {
  readonly engine: Engine;
  readonly queryable: (tenant: string) => Queryable;
  readonly writing?: AnswerWriting;
}

/** The longest range warmed: a day, the range a dashboard opens with. */
const DAY_MS = 24 * 3_600_000;
const STEP_MS = 60_000;

/**
 * The shapes of issue 24's benchmark and of Node Exporter Full's panels, over metric `m`
 * grouped by label `by`. Each answer is a handful of series, so that encoding them costs little
 * while still compiling the encoder's loops.
 */
export function warmShapes(m: string, by: string): string[] {
  const g = `by (${by})`;
  return [
    `sum(rate(${m}[5m]))`,
    `sum ${g} (rate(${m}[5m])) / sum ${g} (increase(${m}[1h]))`,
    `sum ${g} (irate(${m}[5m]))`,
    `count ${g} (${m})`,
    `sum ${g} (${m})`,
    `max ${g} (max_over_time(${m}[10m]))`,
    `avg ${g} (avg_over_time(${m}[5m]))`,
    `max ${g} (100 * (1 - ${m} / ${m}))`,
    `max ${g} (${m} / on (${by}) group_left sum ${g} (${m}))`,
  ];
}

/** Runs the warm shapes over `target` until done or `signal` aborts; resolves with how many ran. */
export async function warmQueries(
  deps: WarmDeps,
  target: WarmTarget,
  signal: AbortSignal,
): Promise<number> {
  const started = performance.now();
  const queryable = deps.queryable(target.tenant);
  const endMs = target.toMs;
  const startMs = Math.max(target.fromMs, endMs - DAY_MS);
  const by = await groupingLabel(queryable, target, startMs, endMs);
  let ran = 0;
  for (const query of warmShapes(target.metric, by)) {
    if (signal.aborted) break;
    try {
      const settings = { query, limit: 0, signal, startMs, endMs, stepMs: STEP_MS };
      const answer = await rangeQuery({ engine: deps.engine, queryable }, settings);
      giveBack(await queryDataJsonParallel(answer.result, undefined, deps.writing));
      ran++;
    } catch (err) {
      // A shape the data cannot answer (a duplicate label set, a limit) teaches nothing more.
      if (!signal.aborted) log.debug("A warm-up query failed", { query, error: String(err) });
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log.info("Warmed the query paths", { metric: target.metric, queries: ran, seconds });
  return ran;
}

/** `job` when the metric has it, else its first label but the name (a few groups, mostly). */
async function groupingLabel(
  queryable: Queryable,
  target: WarmTarget,
  startMs: number,
  endMs: number,
): Promise<string> {
  const querier = await queryable.querier();
  try {
    const matchers = [{ name: "__name__", type: "=" as const, value: target.metric }];
    const names = await querier.labelNames(matchers, { start: startMs, end: endMs });
    if (names.includes("job")) return "job";
    return names.find((n) => n !== "__name__") ?? "job";
  } finally {
    querier.close();
  }
}
