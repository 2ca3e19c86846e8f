/**
 * Which hours a rollup read may answer from rollup files: an hour whose raw samples all went
 * into a current rollup (schema 2, written after the hour's one merged raw file) and that the
 * head does not hold samples of. The longest run of such hours in the range is read from
 * rollups; the engine reads the rest raw, so an answer never mixes stale rollups in. The 1 h
 * rollups are a file a day: there the unit is a day, current when it is written after every
 * raw file of the day, each hour's merged.
 */
import { type FileEntry, ROLLUP_TIERS, type RollupTier, type Tier } from "./catalog/entry.ts";
import { mergedHourly, rollsUp } from "./rollup_current.ts";
import { readFields, rollupRowBytes } from "./rollup_rows.ts";
import type { RollupField, TimeRange } from "./storage.ts";

/** The rollup files to read and the sample times they stand for. */
export interface RollupCover {
  readonly files: FileEntry[];
  readonly covered: TimeRange;
}

/** The catalog's files a cover is chosen from (`Catalog.select`'s shape). */
export type SelectFiles = (tier: Tier, range: TimeRange) => FileEntry[];

/**
 * The longest run of whole partitions (hours; days for `1h`) in `range` answered by `tier`
 * rollups alone, or null. `headMin`: the head holds every sample from then on (partitions
 * reaching it are read raw).
 */
export function rollupCover(
  select: SelectFiles,
  tier: RollupTier,
  range: TimeRange,
  headMin: number,
): RollupCover | null {
  const { stepMs: step, partMs: part } = ROLLUP_TIERS[tier];
  // A rollup file's times are window ends: the hour's first sample may end a window on it.
  const first = Math.floor(range.start / part) * part;
  const last = Math.floor(range.end / part) * part;
  const rollups = byPartition(select(tier, { start: first, end: last + part + step }), part);
  const raw = byPartition(select("raw", { start: first, end: last + part - 1 }), part);
  let best: Run = { start: 0, parts: 0, files: [] };
  let run: Run = { start: first, parts: 0, files: [] };
  for (let at = first; at <= last; at += part) {
    const file = at + part <= headMin ? current(at, rollups.get(at), raw.get(at)) : null;
    if (file === null) {
      run = { start: at + part, parts: 0, files: [] };
      continue;
    }
    run.parts++;
    if (file !== EMPTY) run.files.push(file);
    if (run.parts > best.parts) best = { ...run, files: [...run.files] };
  }
  if (best.files.length === 0) return null;
  return {
    files: best.files,
    covered: { start: best.start, end: best.start + best.parts * part - 1 },
  };
}

/**
 * The share of the raw rows of its hours that a cover's 1 m or 5 m rollup files may hold for
 * `auto` to read them: where samples come every 2.5 minutes or less often, the 5 m rollups hold
 * as many rows as raw (each three times the columns, and a month of them outgrows the rollup
 * cache), while the raw samples answer from the query cache (docs/benchmarks.md, "30 days").
 */
export const AUTO_MAX_ROW_SHARE = 0.5;

/**
 * Bytes a raw sample holds in the query cache: 4.3 measured (docs/benchmarks.md), rounded up.
 * The 1 h rollups serve months, where memory decides whether a read stays warm: `auto` reads
 * them only where their rows of the fields read (`rollupRowBytes`) hold no more bytes than the
 * samples they stand for. Every field (85 bytes a row) needs 20 samples a row; `rate`'s (52
 * bytes), 12, a sample every 5 min, with a margin of 1.5 % (a series that starts or stops
 * within an hour has a row for fewer samples, and can tip a metric back to raw);
 * `sum_over_time`'s (36), 9; `max_over_time`'s (28), 7. Measured at 30 d × 10,000 series, a
 * sample every 5 min, before reads were of the fields used: the 1 h rows of a 2,200-series
 * gauge did not stay in the rollup cache, and `max_over_time` took 1.6–2.1 s every time
 * against 122 ms from the month of raw samples the query cache held.
 */
const SAMPLE_BYTES = 4.4;

/** The share of raw rows `tier`'s rollups of `fields` (all when absent) may hold at `auto`. */
export function autoMaxRowShare(tier: RollupTier, fields?: readonly RollupField[]): number {
  if (tier !== "1h") return AUTO_MAX_ROW_SHARE;
  return SAMPLE_BYTES / rollupRowBytes(readFields(fields));
}

/**
 * Whether `cover`'s rollup files hold at most `autoMaxRowShare` of the rows of the raw files
 * of the same hours. The catalog counts rows by file, every metric in it: the ratio is the
 * files', which is the metric's wherever its metrics are scraped alike.
 */
export function fewerRows(
  cover: RollupCover,
  select: SelectFiles,
  tier: RollupTier,
  fields?: readonly RollupField[],
): boolean {
  let raw = 0;
  for (const f of select("raw", cover.covered)) raw += f.rows;
  let rolled = 0;
  for (const f of cover.files) rolled += f.rows;
  return rolled <= raw * autoMaxRowShare(tier, fields);
}

/** Consecutive partitions answered by rollups, from `start`. */
interface Run {
  start: number;
  parts: number;
  files: FileEntry[];
}

/** A partition with no files at all: nothing to read, raw or rolled up. */
const EMPTY = "empty";

/** `files` by the start of the partition (of `part` ms) their hour falls in. */
function byPartition(files: readonly FileEntry[], part: number): Map<number, FileEntry[]> {
  const out = new Map<number, FileEntry[]>();
  for (const f of files) {
    const at = Math.floor(f.hour / part) * part;
    const held = out.get(at);
    if (held === undefined) out.set(at, [f]);
    else held.push(f);
  }
  return out;
}

/**
 * The rollup file of the partition starting at `at` when it holds every raw sample of the
 * partition (`raw`, its raw files): each hour's one merged raw file went into it (it was
 * written after them all).
 */
function current(
  at: number,
  rollups: readonly FileEntry[] = [],
  files: readonly FileEntry[] = [],
): FileEntry | typeof EMPTY | null {
  if (!mergedHourly(files)) return null;
  const found = rollups.filter((r) => r.hour === at && rollsUp(r, files));
  if (found.length === 0 && files.length === 0) return EMPTY;
  return found.length === 1 ? found[0] : null;
}
