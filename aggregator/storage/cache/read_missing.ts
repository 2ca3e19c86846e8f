/**
 * Decodes what a query finds missing from the cache: a (file, metric) alone into its hourly
 * entry, or with the merged files after it into one joined entry (`batchFiles`), reading the
 * metric's next batch while the last is joined (`readAhead`).
 */
import type { FileEntry } from "../catalog/entry.ts";
import { ALL_TIME, readMetricsFiles, type StoredSeries } from "../parquet/reader.ts";
import type { CachedMetric, QueryCache } from "./cache.ts";

/**
 * Speed-only knobs of decoding, for tests. `batchFiles`: up to this many consecutive merged
 * files missing from the cache are decoded in one read into one joined entry, as a join of
 * their hourly entries would make it (each file alone cost ~8 ms of DuckDB's work however few
 * its series: 6 s for a month of a 100-series metric); 1 decodes each file alone into its
 * hourly entry, the reference. `readAhead`: while a batch of several files is joined, the
 * metric's next batch is already being read; false reads each batch when the loop reaches it,
 * the reference.
 */
export const decodeTuning = { batchFiles: 24, readAhead: true };

/**
 * Rows decoded together at most: a batch's samples are held twice while they are joined,
 * beside the next batch being read (2 M rows of one metric: ~100 MB at most for the three).
 * A file's rows are the catalog's count, every metric's, until a read of the metric has
 * measured its own: merged hours of a 100-series metric at 15 s in a host's files of 2,000
 * series go 24 to a batch after the first (then 3); of 10,000 series at 15 s, one at a time.
 */
const BATCH_ROWS = 2_000_000;

/** Lets other work run between the steps of a join made inside a query. */
const pauseForOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One query's decoding of the entries it finds missing, over the files it reads. */
export class MissingReader {
  /** The joined entries of batches, by each of their files and metric: found here even when
   * the cache did not keep them (larger than a quarter of it). */
  private readonly batches = new Map<string, CachedMetric>();
  /** Per metric, the samples a file held in its last read (a mean over the batch). */
  private readonly rowsPerFile = new Map<string, number>();
  /** Reads started ahead, by first file and metric. */
  private readonly ahead = new Map<string, { batch: number[]; read: Promise<StoredSeries[]> }>();

  constructor(
    private readonly cache: QueryCache,
    private readonly files: readonly FileEntry[],
    private readonly pathOf: (f: number) => Promise<string>,
  ) {}

  /** The entry a batch decoded for (file `f`, `metric`), if any. */
  decoded(f: number, metric: string): CachedMetric | undefined {
    return this.batches.get(`${f}\n${metric}`);
  }

  /** Decodes (file `f`, `metric`), with the batch it starts, and stores it in the cache. */
  async decode(f: number, metric: string): Promise<CachedMetric> {
    const { cache, files } = this;
    const key = `${f}\n${metric}`;
    const { batch, read } = this.ahead.get(key) ?? this.startRead(f, metric);
    this.ahead.delete(key);
    if (decodeTuning.readAhead && batch.length > 1) {
      const after = nextMissing(cache, files, batch[batch.length - 1] + 1, metric);
      if (after !== undefined && !this.ahead.has(`${after}\n${metric}`)) {
        this.ahead.set(`${after}\n${metric}`, this.startRead(after, metric));
      }
    }
    const series = await read;
    cache.decodes++;
    this.rowsPerFile.set(metric, samplesOf(series) / batch.length);
    if (batch.length === 1) return cache.set(files[f].key, metric, series);
    const keys = batch.map((b) => files[b].key);
    const entry = await cache.setJoined(keys, metric, series, pauseForOthers);
    for (const b of batch) this.batches.set(`${b}\n${metric}`, entry);
    return entry;
  }

  /** Starts reading the batch that begins at file `f`. */
  private startRead(f: number, metric: string) {
    const measured = this.rowsPerFile.get(metric);
    // A file's rows count every metric's: the metric's own, once a read has measured them.
    const rowsOf = (file: FileEntry) => Math.min(file.rows, measured ?? file.rows);
    const batch = batchFrom(this.cache, this.files, f, metric, rowsOf);
    const read = Promise.all(batch.map(this.pathOf)).then((paths) =>
      readMetricsFiles(paths, { ...ALL_TIME, metrics: [metric] }),
    );
    // Awaited when the loop reaches its file; a read the loop never reaches fails unseen.
    read.catch(() => {});
    return { batch, read };
  }
}

/**
 * The files to decode with `files[f]` for `metric`, `f` first: the merged files after it that
 * hold the metric and are missing from the cache, up to `decodeTuning.batchFiles` of them and
 * `BATCH_ROWS` rows (`rowsOf`), each starting after the one before it ends (as a join asks). Flush files
 * are decoded alone: they overlap in time, and merges replace them within the hour.
 */
function batchFrom(
  cache: QueryCache,
  files: readonly FileEntry[],
  f: number,
  metric: string,
  rowsOf: (file: FileEntry) => number,
): number[] {
  const batch = [f];
  if (files[f].level === 0) return batch;
  let rows = rowsOf(files[f]);
  for (let g = f + 1; g < files.length && batch.length < decodeTuning.batchFiles; g++) {
    const file = files[g];
    if (!file.metrics.includes(metric)) continue;
    const last = files[batch[batch.length - 1]];
    if (file.level === 0 || file.minTime <= last.maxTime) break;
    if (rows + rowsOf(file) > BATCH_ROWS || cache.has(file.key, metric)) break;
    batch.push(g);
    rows += rowsOf(file);
  }
  return batch;
}

/** The first merged file from `from` on that holds `metric` and is missing from the cache. */
function nextMissing(
  cache: QueryCache,
  files: readonly FileEntry[],
  from: number,
  metric: string,
): number | undefined {
  for (let g = from; g < files.length; g++) {
    const file = files[g];
    if (!file.metrics.includes(metric)) continue;
    return file.level > 0 && !cache.has(file.key, metric) ? g : undefined;
  }
  return undefined;
}

function samplesOf(series: readonly StoredSeries[]): number {
  let n = 0;
  for (const s of series) n += s.timestamps.length;
  return n;
}
