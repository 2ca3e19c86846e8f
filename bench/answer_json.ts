/**
 * Writing a range answer's JSON in a process whose heap holds millions of objects, as an
 * aggregator's does once its query cache is warm: the string writer (`seriesListJson`, then
 * encoded as the response does) against the byte writer (`seriesListBytes`, what the API
 * sends since `query.json_bytes`), alternately in one process.
 *
 *   bun bench/answer_json.ts [--objects N] [--runs N]
 *
 * The answer is Node Exporter Full's `node_load1` over 24 h: 100 series × 1,435 points, values
 * of two decimals as the exporter's (`_decimals`), and the same with values of full precision
 * as a computed answer's (`_fractions`). Prints each writer's median and p99 time, with no
 * other objects held (`_empty_heap`) and with `--objects` small objects held (5,000,000 by
 * default).
 */

import { parseArgs } from "node:util";
import { seriesListJson } from "../aggregator/api/http/format.ts";
import { seriesListBytes } from "../aggregator/api/http/series_bytes.ts";
import type { SeriesPoints } from "../aggregator/promql/value.ts";
import { random } from "../test/harness/random.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: { objects: { type: "string" }, runs: { type: "string" } },
  strict: false,
});
const OBJECTS = Number(flags.objects ?? 5_000_000);
const RUNS = Number(flags.runs ?? 21);

function answer(decimals: boolean): SeriesPoints[] {
  const next = random(7);
  return Array.from({ length: 100 }, (_, s) => {
    const timestamps = Float64Array.from(
      { length: 1_435 },
      (_, i) => 1.7e12 + 307_000 + i * 60_000,
    );
    const values = Float64Array.from({ length: 1_435 }, () => {
      const v = next() * 4;
      return decimals ? Math.round(v * 100) / 100 : v;
    });
    const labels = ["__name__", "node_load1", "instance", `host-${s}:9100`, "job", "node"];
    return { labels, timestamps, values };
  });
}

const utf8 = new TextEncoder();
const writers = {
  strings: (series: SeriesPoints[]) => utf8.encode(seriesListJson(series)).length,
  bytes: (series: SeriesPoints[]) => seriesListBytes(series).length,
};

function time(heap: string): void {
  for (const decimals of [true, false]) {
    const series = answer(decimals);
    const ms: Record<string, number[]> = { strings: [], bytes: [] };
    for (let r = 0; r <= RUNS; r++) {
      for (const [name, write] of Object.entries(writers)) {
        const started = performance.now();
        write(series);
        if (r > 0) ms[name].push(performance.now() - started);
      }
    }
    for (const [name, list] of Object.entries(ms)) {
      list.sort((a, b) => a - b);
      const tag = `answer_json_${name}_${decimals ? "decimals" : "fractions"}_${heap}`;
      report(`${tag}_ms`, list[list.length >> 1], "ms");
      report(
        `${tag}_p99_ms`,
        list[Math.min(list.length - 1, Math.ceil(list.length * 0.99) - 1)],
        "ms",
      );
    }
  }
}

time("empty_heap");
const held: { id: number; name: string; pair: number[] }[] = [];
for (let i = 0; i < OBJECTS; i++) held.push({ id: i, name: `s${i}`, pair: [i, i + 1] });
time(`${Math.round(OBJECTS / 1e6)}m_objects`);
if (held.length !== OBJECTS) throw new Error("the held objects were lost");
