/**
 * The JSON of large query answers: the same bytes as queryDataJson() (format.ts), written
 * as parts that `success()` sends as they are, straight as UTF-8 bytes (series_bytes.ts),
 * half on a helper thread (encode_helper.ts), and between turns of other requests when very
 * large.
 */

import { Turns } from "../../../shared/runtime/turns.ts";
import type { QueryResult, QueryStats, SeriesPoints } from "../../promql/value.ts";
import { queryDataJson, resultJson, seriesListJson, statsSuffix } from "./format.ts";
import { seriesListBytes } from "./series_bytes.ts";

/**
 * Writes the JSON of a list of series elsewhere (another thread), HTML-safe, as UTF-8 bytes;
 * null when it cannot.
 */
export interface SeriesEncoder {
  encode(series: readonly SeriesPoints[]): Promise<Uint8Array> | null;
}

/** How large answers are written. */
export interface AnswerWriting {
  /** Writes the later part of a large range answer on another thread. */
  readonly encoder?: SeriesEncoder;
  /**
   * Range answers written as strings (seriesListJson), the reference, rather than straight
   * as bytes (seriesListBytes): `query.json_bytes: false`.
   */
  readonly strings?: boolean;
}

/** The JSON of a list of series, comma-separated, HTML-safe: as text or as its UTF-8. */
type SeriesWriter = (series: readonly SeriesPoints[]) => string | Uint8Array;

/** From this many points, a range answer is written as bytes: below, strings cost less. */
const BYTES_MIN_POINTS = 2_000;

/** Below this many points an answer is written on this thread alone: handing off costs more. */
const PARALLEL_MIN_POINTS = 20_000;

/** Points written between turns for other work when an answer is large (~15 ms of writing). */
const TURN_POINTS = 100_000;

/**
 * queryDataJson(), as parts for `success()`, which sends them as they are: the same bytes as
 * one string, without flattening, escaping and encoding a 3 MB string again. A range answer
 * of 2,000 points or more is written as bytes; from 20,000 points, the later ~45% of them by
 * the encoder while this thread writes the rest (in the aggregator, with the string writer,
 * a 3 MB answer of 90,000 points went from ~30 ms to ~20 ms: turning numbers into their
 * shortest digits is most of it); if the encoder fails, this thread writes its part too.
 */
export async function queryDataJsonParallel(
  result: QueryResult,
  stats: QueryStats | undefined,
  writing: AnswerWriting = {},
): Promise<string | (string | Uint8Array)[]> {
  if (result.type === "vector" && result.samples.length > TURN_POINTS) {
    return queryDataParts(result, stats);
  }
  if (result.type !== "matrix") return queryDataJson(result, stats);
  const series = result.series;
  let total = 0;
  for (const s of series) total += s.timestamps.length;
  if (total < BYTES_MIN_POINTS) return queryDataJson(result, stats);
  const write: SeriesWriter = writing.strings ? seriesListJson : seriesListBytes;
  if (total > TURN_POINTS * 4) return queryDataParts(result, stats, write);
  const head = '{"resultType":"matrix","result":[';
  const tail = `]${statsSuffix(stats)}}`;
  const encoder = writing.encoder;
  if (encoder === undefined || total < PARALLEL_MIN_POINTS || series.length < 2) {
    return [head, write(series), tail];
  }
  // The split point: the first series past this thread's share of the points (at least one
  // series on each side). The helper's share is smaller: it also copies the series in.
  let k = 1;
  for (let acc = series[0].timestamps.length; k < series.length - 1 && acc < total * 0.55; k++)
    acc += series[k].timestamps.length;
  const later = series.slice(k);
  const remote = encoder.encode(later);
  if (remote === null) return [head, write(series), tail];
  const first = write(series.slice(0, k));
  let second: string | Uint8Array;
  try {
    second = await remote;
  } catch {
    second = write(later);
  }
  return [head, first, ",", second, tail];
}

/**
 * queryDataJson() of a very large answer as parts, written on this thread a chunk of series
 * (or samples) at a time with turns for other requests between chunks: a 50 M-point answer
 * takes seconds to write, which must not hold every other request.
 */
async function queryDataParts(
  result: QueryResult & { type: "vector" | "matrix" },
  stats: QueryStats | undefined,
  write: SeriesWriter = seriesListJson,
): Promise<(string | Uint8Array)[]> {
  const turns = new Turns();
  const parts: (string | Uint8Array)[] = [`{"resultType":"${result.type}","result":[`];
  if (result.type === "vector") {
    const samples = result.samples;
    for (let lo = 0; lo < samples.length; lo += TURN_POINTS) {
      const chunk = { type: "vector" as const, samples: samples.slice(lo, lo + TURN_POINTS) };
      const json = resultJson(chunk);
      parts.push(lo > 0 ? "," : "", json.slice(1, -1));
      await turns.turn();
    }
  } else {
    const series = result.series;
    for (let lo = 0, points = 0, k = 0; k < series.length; k++) {
      points += series[k].timestamps.length;
      if (points < TURN_POINTS && k < series.length - 1) continue;
      parts.push(lo > 0 ? "," : "", write(series.slice(lo, k + 1)));
      lo = k + 1;
      points = 0;
      await turns.turn();
    }
  }
  parts.push(`]${statsSuffix(stats)}}`);
  return parts;
}
