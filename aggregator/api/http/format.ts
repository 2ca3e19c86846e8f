/**
 * Query results in Prometheus's JSON, byte for byte: timestamps as Unix seconds with up to
 * three decimals (`1435781451.781`, `1.500`), values as strings in Go's shortest form
 * (`"0.1"`, `"1e+21"`, `"1.5e-07"`, `"NaN"`, `"+Inf"`). Range results can hold millions of
 * points, so the encoder writes strings directly instead of building objects for
 * `JSON.stringify`.
 */

import type { Labels } from "../../../shared/model/labels.ts";
import { formatGoFloat } from "../../promql/parser/go_format.ts";
import type { QueryResult, QueryStats, SeriesPoints } from "../../promql/value.ts";

/** Formats a sample value as Prometheus's `jsonutil.MarshalValue` (Go `AppendFloat`, -1 digits). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // JS picks the same shortest digits and the same exponent cut-offs (1e-6, 1e21) as
  // Prometheus; only Go writes the exponent with at least two digits.
  const s = String(v);
  const a = v < 0 ? -v : v;
  if (a >= 1e-6 && a < 1e21) return s;
  const e = s.indexOf("e");
  return e >= 0 && s.length - e === 3 ? `${s.slice(0, e + 2)}0${s.slice(e + 2)}` : s;
}

/** Formats Unix ms as Prometheus's `jsonutil.MarshalTimestamp`: seconds, ms as 3 decimals. */
export function formatTimestamp(ms: number): string {
  if (ms % 1000 === 0) return String(ms / 1000);
  let t = Math.trunc(ms);
  let sign = "";
  if (t < 0) {
    sign = "-";
    t = -t;
  }
  const frac = t % 1000;
  const sec = (t - frac) / 1000;
  if (frac === 0) return `${sign}${sec}`;
  return `${sign}${sec}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}`;
}

const HTML_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** JSON text with `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's encoder does in strings. */
export function htmlSafe(json: string): string {
  return json.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]);
}

/** A string as a JSON string, HTML-safe (`htmlSafe`). */
function safeString(s: string): string {
  return htmlSafe(JSON.stringify(s));
}

/**
 * A label set as a JSON object, in label order, HTML-safe: numbers never need escaping, so
 * the JSON of a range answer is HTML-safe by construction, with no pass over its megabytes.
 */
export function labelsJson(labels: Labels): string {
  let s = "{";
  for (let i = 0; i < labels.length; i += 2) {
    if (i > 0) s += ",";
    s += `${safeString(labels[i])}:${safeString(labels[i + 1])}`;
  }
  return `${s}}`;
}

/**
 * Formatted timestamps of one answer. The series of a range result share their step times,
 * so a series' i-th time is mostly the one met at i in a series before: kept by index, and
 * formatted anew otherwise (a map keyed by the times cost ~0.5 µs a point, more than
 * formatting: a JavaScriptCore Map hashes such doubles slowly).
 */
export class TimestampCache {
  private readonly byIndex: { ms: number; text: string }[] = [];

  at(i: number, ms: number): string {
    const known = this.byIndex[i];
    if (known !== undefined && known.ms === ms) return known.text;
    const text = formatTimestamp(ms);
    if (i === this.byIndex.length || known !== undefined) this.byIndex[i] = { ms, text };
    return text;
  }
}

function seriesJson(s: SeriesPoints, times: TimestampCache): string {
  const { timestamps, values } = s;
  const points: string[] = new Array(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    points[i] = `[${times.at(i, timestamps[i])},"${formatValue(values[i])}"]`;
  }
  return `{"metric":${labelsJson(s.labels)},"values":[${points.join(",")}]}`;
}

/**
 * The series of a range result, comma-separated: a matrix's JSON without its brackets,
 * HTML-safe.
 */
export function seriesListJson(series: readonly SeriesPoints[]): string {
  const times = new TimestampCache();
  return series.map((s) => seriesJson(s, times)).join(",");
}

/** The `result` of a query answer, by result type. */
export function resultJson(result: QueryResult): string {
  switch (result.type) {
    // Scalars and strings are not written by Prometheus's sample encoder but by their own
    // `MarshalJSON`: the time as a plain Go float (`1.5`, not `1.500`), a scalar's value with
    // `FormatFloat(v, 'f', -1, 64)` (`1e21` is `"1000000000000000000000"`).
    case "scalar":
      return `[${result.t / 1000},"${formatGoFloat(result.v)}"]`;
    case "string":
      return `[${result.t / 1000},${safeString(result.v)}]`;
    case "vector": {
      const parts = result.samples.map(
        (s) =>
          `{"metric":${labelsJson(s.labels)},"value":[${formatTimestamp(s.t)},"${formatValue(s.v)}"]}`,
      );
      return `[${parts.join(",")}]`;
    }
    case "matrix":
      return `[${seriesListJson(result.series)}]`;
  }
}

/**
 * Seconds as Go's `time.Duration.Seconds()` gives them: whole nanoseconds, so `0.000401765`
 * and not the float noise of a sum or a millisecond clock (`0.00040176500000234226`).
 */
function durationSeconds(seconds: number): number {
  const ns = Math.round(seconds * 1e9);
  return Math.trunc(ns / 1e9) + (ns % 1e9) / 1e9;
}

/** Prometheus's `stats` object (`stats.BuiltinStats`) for an answer asked with `stats=…`. */
export function statsJson(stats: QueryStats): string {
  const t = stats.timings;
  return JSON.stringify({
    timings: {
      evalTotalTime: durationSeconds(t.queryPrepareSeconds + t.evalSeconds),
      resultSortTime: 0,
      queryPreparationTime: durationSeconds(t.queryPrepareSeconds),
      innerEvalTime: durationSeconds(t.evalSeconds),
      execQueueTime: 0,
      execTotalTime: durationSeconds(t.totalSeconds),
    },
    samples: {
      totalQueryableSamples: stats.totalQueryableSamples,
      peakSamples: stats.peakSamples,
    },
  });
}

/** `,"stats":{…}` when stats were asked for, else nothing. */
export function statsSuffix(stats: QueryStats | undefined): string {
  return stats ? `,"stats":${statsJson(stats)}` : "";
}

/** The `data` of a query answer: `{"resultType":…,"result":…[,"stats":…]}`. */
export function queryDataJson(result: QueryResult, stats?: QueryStats): string {
  return `{"resultType":"${result.type}","result":${resultJson(result)}${statsSuffix(stats)}}`;
}
