/**
 * Which hours a rollup read may answer from rollup files: an hour whose raw samples all went
 * into a current rollup (schema 2, written after the hour's one merged raw file) and that the
 * head does not hold samples of. The longest run of such hours in the range is read from
 * rollups; the engine reads the rest raw, so an answer never mixes stale rollups in.
 */
import type { FileEntry, Tier } from "./catalog/entry.ts";
import { ROLLUP_SCHEMA } from "./parquet/rollup.ts";
import type { TimeRange } from "./storage.ts";

const HOUR_MS = 3_600_000;

/** The rollup files to read and the sample times they stand for. */
export interface RollupCover {
  readonly files: FileEntry[];
  readonly covered: TimeRange;
}

/** The catalog's files a cover is chosen from (`Catalog.select`'s shape). */
export type SelectFiles = (tier: Tier, range: TimeRange) => FileEntry[];

/**
 * The longest run of whole hours in `range` answered by `tier` rollups alone, or null.
 * `headMin`: the head holds every sample from then on (hours reaching it are read raw).
 */
export function rollupCover(
  select: SelectFiles,
  tier: "1m" | "5m",
  range: TimeRange,
  headMin: number,
): RollupCover | null {
  const step = tier === "1m" ? 60_000 : 300_000;
  // A rollup file's times are window ends: the hour's first sample may end a window on it.
  const first = Math.floor(range.start / HOUR_MS) * HOUR_MS;
  const last = Math.floor(range.end / HOUR_MS) * HOUR_MS;
  const rollups = select(tier, { start: first, end: last + HOUR_MS + step });
  const raw = select("raw", { start: first, end: last + HOUR_MS - 1 });
  let best: Run = { start: 0, hours: 0, files: [] };
  let run: Run = { start: first, hours: 0, files: [] };
  for (let hour = first; hour <= last; hour += HOUR_MS) {
    const file = hour + HOUR_MS <= headMin ? current(rollups, raw, hour) : null;
    if (file === null) {
      run = { start: hour + HOUR_MS, hours: 0, files: [] };
      continue;
    }
    run.hours++;
    if (file !== EMPTY) run.files.push(file);
    if (run.hours > best.hours) best = { ...run, files: [...run.files] };
  }
  if (best.files.length === 0) return null;
  return {
    files: best.files,
    covered: { start: best.start, end: best.start + best.hours * HOUR_MS - 1 },
  };
}

/**
 * The share of the raw rows of its hours that a cover's rollup files may hold for `auto` to
 * read them: where samples come every 2.5 minutes or less often, the 5 m rollups hold as many
 * rows as raw (each three times the columns, and a month of them outgrows the rollup cache),
 * while the raw samples answer from the query cache (docs/benchmarks.md, "30 days").
 */
export const AUTO_MAX_ROW_SHARE = 0.5;

/**
 * Whether `cover`'s rollup files hold at most AUTO_MAX_ROW_SHARE of the rows of the raw files
 * of the same hours. The catalog counts rows by file, every metric in it: the ratio is the
 * files', which is the metric's wherever its metrics are scraped alike.
 */
export function fewerRows(cover: RollupCover, select: SelectFiles): boolean {
  let raw = 0;
  for (const f of select("raw", cover.covered)) raw += f.rows;
  let rolled = 0;
  for (const f of cover.files) rolled += f.rows;
  return rolled <= raw * AUTO_MAX_ROW_SHARE;
}

/** Consecutive hours answered by rollups, from `start`. */
interface Run {
  start: number;
  hours: number;
  files: FileEntry[];
}

/** An hour with no files at all: nothing to read, raw or rolled up. */
const EMPTY = "empty";

/** The hour's rollup file when it holds every raw sample of the hour. */
function current(
  rollups: readonly FileEntry[],
  raw: readonly FileEntry[],
  hour: number,
): FileEntry | typeof EMPTY | null {
  const files = raw.filter((f) => f.hour === hour);
  // Several raw files: a flush came after the merge, and the rollup does not have it yet.
  if (files.length > 1 || (files.length === 1 && files[0].level === 0)) return null;
  const created = files.length === 1 ? files[0].created : Number.NEGATIVE_INFINITY;
  const found = rollups.filter(
    (r) => r.hour === hour && r.schema === ROLLUP_SCHEMA && r.created >= created,
  );
  if (found.length === 0 && files.length === 0) return EMPTY;
  return found.length === 1 ? found[0] : null;
}
