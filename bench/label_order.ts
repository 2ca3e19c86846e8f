/**
 * Cost of ordering series and label values in Prometheus's (Go's byte) order: the sorts the
 * storage union, the series API and the label APIs run on every answer.
 *
 *   bun bench/label_order.ts [--quick]
 *
 * Prints `name value unit` lines, each the median of several runs after a warm-up:
 * sorting 100,000 label sets (six labels, shuffled; ASCII, then with non-ASCII values) with
 * `compareLabels`, and with the code-unit comparison it had before (`_code_units`, the floor,
 * run alternately in the same process: this host's noise swamps a comparison across runs);
 * one pass over them already sorted (what the union does when files hand it series in order);
 * sorting 100,000 distinct label values with `sortUtf8` (ASCII, then values holding 😀),
 * with `compareUtf8` as a comparator, and with JavaScript's own `sort()`.
 */

import { compareLabels, type Labels } from "../shared/model/labels.ts";
import { compareUtf8, sortUtf8 } from "../shared/model/order.ts";
import { random } from "../test/harness/random.ts";

const quick = process.argv.includes("--quick");
const N = quick ? 20_000 : 100_000;
const RUNS = quick ? 5 : 11;

function shuffled<T>(list: T[], seed: number): T[] {
  const r = random(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Label sets as a scrape makes them: shared names and metric, many instances. */
function labelSets(n: number, path: (i: number) => string): Labels[] {
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    out.push([
      "__name__",
      `http_requests_total`,
      "handler",
      path(i),
      "instance",
      `host-${String(i % 997).padStart(4, "0")}:9100`,
      "job",
      `api-${i % 7}`,
      "method",
      ["GET", "POST", "PUT"][i % 3],
      "status",
      String(200 + (i % 11)),
    ]);
  }
  return shuffled(out, 7);
}

/** The label-set order before it went by bytes: JavaScript's string comparison. */
function codeUnitLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** Median milliseconds of each of `runs`, run in turn, after one warm-up round. */
function medians(...runs: (() => void)[]): number[] {
  for (const run of runs) run();
  const times: number[][] = runs.map(() => []);
  for (let k = 0; k < RUNS; k++) {
    runs.forEach((run, r) => {
      const t0 = Bun.nanoseconds();
      run();
      times[r].push((Bun.nanoseconds() - t0) / 1e6);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

const median = (run: () => void) => medians(run)[0];

function print(name: string, value: number, unit: string): void {
  console.log(`${name} ${value.toFixed(2)} ${unit}`);
}

const ascii = labelSets(N, (i) => `/api/v1/items/${i}`);
const wide = labelSets(N, (i) => `/検索/${i}/😀`);
for (const [name, sets] of [
  ["ascii", ascii],
  ["non_ascii", wide],
] as const) {
  const [bytes, units] = medians(
    () => [...sets].sort(compareLabels),
    () => [...sets].sort(codeUnitLabels),
  );
  print(`sort_label_sets_${name}_ms`, bytes, "ms");
  print(`sort_label_sets_${name}_code_units_ms`, units, "ms");
}
const inOrder = [...ascii].sort(compareLabels);
print(
  "check_sorted_label_sets_ms",
  median(() => {
    let bad = 0;
    for (let i = 1; i < inOrder.length; i++)
      if (compareLabels(inOrder[i - 1], inOrder[i]) > 0) bad++;
    if (bad > 0) throw new Error("Cannot check order: the sorted list is out of order");
  }),
  "ms",
);

const values = shuffled(
  Array.from({ length: N }, (_, i) => `host-${String(i).padStart(6, "0")}.example.com:9100`),
  11,
);
const smiles = values.map((v) => `${v}😀`);
print(
  "sort_label_values_ms",
  median(() => sortUtf8([...values])),
  "ms",
);
print(
  "sort_label_values_non_bmp_ms",
  median(() => sortUtf8([...smiles])),
  "ms",
);
print(
  "sort_label_values_comparator_ms",
  median(() => [...values].sort(compareUtf8)),
  "ms",
);
print(
  "sort_label_values_code_units_ms",
  median(() => [...values].sort()),
  "ms",
);
