/**
 * Reads metric files through the decoded-series cache: each (file, metric) is decoded once over
 * the file's whole range, and queries take slices of it. A series spread over several files
 * (24 hourly files for a day) keeps its slices apart (see PartedSeries); where files overlap in time (flush files of one
 * hour not yet merged) the file listed later wins on equal timestamps, as readMetricsFiles does.
 */
import type { Labels } from "../../shared/model/labels.ts";
import { candidates, type SeriesCache } from "./cache.ts";
import type { FileEntry } from "./catalog/entry.ts";
import { compileMatchers } from "./matchers.ts";
import { mergeSamples } from "./merge.ts";
import { readMetricsFiles } from "./parquet/reader.ts";
import type { LabelMatcher, SamplePart, SeriesSamples, TimeRange } from "./storage.ts";

/** Every stored time fits between these (Unix ms, ±100,000 days). */
const ALL_TIME = { start: -8.64e15, end: 8.64e15 };

interface Part extends SamplePart {
  readonly file: number;
}

interface Gathered {
  readonly labels: Labels;
  readonly hash: bigint;
  readonly parts: Part[];
}

/** The series of `metrics` in `files` (local copies at `paths`) accepted by `match`, in `range`. */
export async function readCached(
  cache: SeriesCache,
  files: readonly FileEntry[],
  paths: readonly string[],
  metrics: readonly string[],
  matchers: readonly LabelMatcher[],
  range: TimeRange,
): Promise<SeriesSamples[]> {
  const match = compileMatchers(matchers);
  // A `name="value"` matcher narrows each entry to its postings before the full test.
  const equal = matchers.find((m) => m.type === "=" && m.value !== "" && m.name !== "__name__");
  const gathered = new Map<bigint, Gathered>();
  // Series scraped together share one timestamps array in the cache: cut it once, and hand
  // them all the same slice, so that the engine can lay out their windows once.
  const cuts = new Map<Float64Array, Cut>();
  for (let f = 0; f < files.length; f++) {
    for (const metric of metrics) {
      if (!files[f].metrics.includes(metric)) continue;
      const entry =
        cache.get(files[f].key, metric) ??
        cache.set(
          files[f].key,
          metric,
          await readMetricsFiles([paths[f]], { ...ALL_TIME, metrics: [metric] }),
        );
      const picked = candidates(entry, equal);
      const count = picked ? picked.length : entry.series.length;
      for (let c = 0; c < count; c++) {
        const s = entry.series[picked ? picked[c] : c];
        if (!match(s.labels)) continue;
        const cut = cuts.get(s.timestamps) ?? cutOf(s.timestamps, range, cuts);
        if (cut.lo >= cut.hi) continue;
        let g = gathered.get(s.hash);
        if (!g) {
          g = { labels: s.labels, hash: s.hash, parts: [] };
          gathered.set(s.hash, g);
        }
        g.parts.push({
          timestamps: cut.times,
          values: cut.whole ? s.values : s.values.subarray(cut.lo, cut.hi),
          clean: s.clean,
          noDrops: s.noDrops,
          file: f,
        });
      }
    }
  }
  return [...gathered.values()].map(join);
}

/**
 * One series from its parts: a slice as it is, disjoint slices kept apart (joined only if a
 * reader asks for one array), or a merge where files overlap.
 */
function join(g: Gathered): SeriesSamples {
  const parts = g.parts;
  if (parts.length === 1) return asSamples(g.labels, parts[0]);
  parts.sort((a, b) => a.timestamps[0] - b.timestamps[0] || a.file - b.file);
  let disjoint = true;
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].timestamps[0] <= parts[i - 1].timestamps.at(-1)!) disjoint = false;
  }
  if (disjoint) return new PartedSeries(g.labels, parts);
  // Later files win on equal timestamps: fold in file order, each new file preferred.
  const byFile = [...parts].sort((a, b) => a.file - b.file);
  let acc: SeriesSamples = asSamples(g.labels, byFile[0]);
  for (let i = 1; i < byFile.length; i++) acc = mergeSamples(asSamples(g.labels, byFile[i]), acc);
  return acc;
}

/** A series held as disjoint ascending slices, joined into one array on first use. */
export class PartedSeries implements SeriesSamples {
  readonly length: number;
  private joined: SamplePart | null = null;

  constructor(
    readonly labels: Labels,
    readonly parts: readonly SamplePart[],
  ) {
    let n = 0;
    for (const p of parts) n += p.timestamps.length;
    this.length = n;
  }

  get timestamps(): Float64Array {
    this.joined ??= concat(this.parts, this.length);
    return this.joined.timestamps;
  }

  get values(): Float64Array {
    this.joined ??= concat(this.parts, this.length);
    return this.joined.values;
  }
}

function concat(parts: readonly SamplePart[], n: number): SamplePart {
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    timestamps.set(p.timestamps, at);
    // Copied as bytes: a staleness marker's NaN payload must survive.
    new Uint8Array(values.buffer, at * 8, p.values.byteLength).set(
      new Uint8Array(p.values.buffer, p.values.byteOffset, p.values.byteLength),
    );
    at += p.timestamps.length;
  }
  return { timestamps, values };
}

function asSamples(labels: Labels, p: SamplePart): SeriesSamples {
  return { labels, length: p.timestamps.length, timestamps: p.timestamps, values: p.values };
}

/** The samples of a timestamps array inside a query's range. */
interface Cut {
  readonly lo: number;
  readonly hi: number;
  readonly whole: boolean;
  readonly times: Float64Array;
}

function cutOf(ts: Float64Array, range: TimeRange, cuts: Map<Float64Array, Cut>): Cut {
  const n = ts.length;
  // Mostly the range holds the whole file: no search, no slice.
  const lo = ts[0] >= range.start ? 0 : lowerBound(ts, range.start);
  const hi = ts[n - 1] <= range.end ? n : lowerBound(ts, range.end, true);
  const whole = lo === 0 && hi === n;
  const cut = { lo, hi, whole, times: whole ? ts : ts.subarray(lo, hi) };
  cuts.set(ts, cut);
  return cut;
}

/** First index whose time is ≥ `t` (or > `t` when `after`). */
function lowerBound(ts: Float64Array, t: number, after = false): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? ts[mid] <= t : ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
