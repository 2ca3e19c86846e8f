/**
 * The logs store: a logs head per tenant in front of the `signal=logs` Parquet files. Ingest
 * appends decoded log batches; a timer (or a full head) writes them as one file per (tenant,
 * hour) and commits the files with the stream sequences they hold, exactly as metrics do, so
 * redeliveries after a crash are recognised and nothing is stored twice. Queries read the
 * union of the unflushed blocks and the committed files.
 */
import type { DecodedLogs } from "../../shared/codec/decode_logs.ts";
import { logger } from "../../shared/log/log.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import type { Labels } from "../../shared/model/labels.ts";
import { failpoint } from "../../shared/runtime/failpoint.ts";
import type { Frame } from "../ingest/frame.ts";
import type { Bucket, LocalFile } from "../storage/bucket/bucket.ts";
import type { Catalog } from "../storage/catalog/catalog.ts";
import type { FileEntry } from "../storage/catalog/entry.ts";
import { matcherLiterals } from "../storage/matchers.ts";
import { ParquetLogQuerier } from "../storage/parquet/logs/querier.ts";
import {
  openCommitted,
  promoteStaged,
  removeLocal,
  type StagedFile,
} from "../storage/staging/staging.ts";
import type { LabelMatcher } from "../storage/storage.ts";
import type { Pins } from "../storage/union.ts";
import { concatBuckets } from "./buckets.ts";
import { writeLogBlocks } from "./flush.ts";
import { blockStreams, countBlocks, type LogBlock, LogHead, selectBlocks } from "./head.ts";
import { mergeChunks } from "./merge.ts";
import { logsStoreMetrics } from "./metrics.ts";
import type {
  LogBucketParams,
  LogBuckets,
  LogChunk,
  LogQuerier,
  LogQueryable,
  LogSelectParams,
} from "./source.ts";

const log = logger("logs-store");
const NS_PER_MS = 1_000_000n;

/** Options of the logs store. */
export interface LogsStoreOptions {
  bucket: Bucket;
  catalog: Catalog;
  /** The aggregator id: names the files it writes. */
  writer: string;
  tmpDir: string;
  /** Memory the heads may hold before ingest pauses for a flush. */
  maxBytes: number;
  flush: { intervalMs: number; maxRecords: number };
  pins: Pins;
  registry: Registry;
  /** Called with the refs (stream sequences) whose data a flush committed. */
  onCommitted: (refs: readonly number[]) => void;
  onFlushStart?: () => void;
  /** Called with every batch appended, as it is appended (live tails: tail/registry.ts). */
  onAppend?: (tenant: string, streams: readonly Labels[], logs: DecodedLogs) => void;
}

/** Log heads per tenant, their flush loop, and queries over head ∪ Parquet. */
export class LogsStore {
  private readonly heads = new Map<string, LogHead>();
  /** Keys of files a flush is committing: queries leave them out until their blocks go. */
  private readonly committing = new Set<string>();
  private readonly m: ReturnType<typeof logsStoreMetrics>;
  private unflushed = 0;
  private flushing: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: LogsStoreOptions) {
    this.m = logsStoreMetrics(opts.registry, () => this.stats());
  }

  /** Starts the flush timer. */
  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flush.intervalMs);
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
  }

  /** Appends a log batch; false when the heads are over their memory limit. */
  accept(frame: Frame, seq: number): boolean {
    const logs = frame.batch.logs;
    if (logs && logs.length > 0) {
      this.head(frame.tenant).append(frame.batch.series, logs, seq);
      this.opts.onAppend?.(frame.tenant, frame.batch.series, logs);
      this.unflushed += logs.length;
      this.m.records.inc(logs.length);
      this.m.bytes.inc(logs.lineBytes);
    } else {
      // Nothing to store: acknowledging it now loses nothing.
      this.opts.onCommitted([seq]);
    }
    if (this.unflushed >= this.opts.flush.maxRecords) void this.flush();
    return this.heldBytes() < this.opts.maxBytes;
  }

  /** Resolves when the heads are below their limit again. */
  async drained(): Promise<void> {
    while (this.heldBytes() >= this.opts.maxBytes) {
      await this.flush();
      if (this.heldBytes() >= this.opts.maxBytes) await Bun.sleep(100);
    }
  }

  /** Writes every unflushed block; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** A queryable view of one tenant's logs. */
  queryable(tenant: string): LogQueryable {
    return { querier: async () => this.querier(tenant), tenant };
  }

  /** Bytes held by every head (each head keeps its sum: cheap enough for every batch). */
  private heldBytes(): number {
    let bytes = 0;
    for (const h of this.heads.values()) bytes += h.bytes;
    return bytes;
  }

  /** Records and bytes held by every head. */
  stats(): { records: number; bytes: number } {
    let records = 0;
    let bytes = 0;
    for (const h of this.heads.values()) {
      records += h.records;
      bytes += h.bytes;
    }
    return { records, bytes };
  }

  private querier(tenant: string): LogQuerier {
    // Blocks and files are taken in one synchronous step. Files of a commit still under way are
    // left out (the catalog lists them before the commit returns): their blocks are still in
    // the head, and are dropped in the same step as the files stop being left out.
    const blocks = this.heads.get(tenant)?.snapshot() ?? [];
    const files = this.opts.catalog
      .select({
        tenant,
        signal: "logs",
        tier: "raw",
        start: Number.NEGATIVE_INFINITY,
        end: Number.POSITIVE_INFINITY,
      })
      .filter((f) => !this.committing.has(f.key));
    return new UnionLogQuerier(blocks, files, this.opts.bucket, this.opts.pins);
  }

  private head(tenant: string): LogHead {
    let head = this.heads.get(tenant);
    if (!head) {
      head = new LogHead();
      this.heads.set(tenant, head);
    }
    return head;
  }

  private async doFlush(): Promise<void> {
    const parts: { tenant: string; head: LogHead; blocks: LogBlock[] }[] = [];
    for (const [tenant, head] of this.heads) {
      const blocks = head.snapshot();
      if (blocks.length > 0) parts.push({ tenant, head, blocks });
    }
    this.unflushed = 0;
    if (parts.length === 0) return;
    this.opts.onFlushStart?.();
    const started = performance.now();
    const staged: StagedFile[] = [];
    try {
      const target = {
        bucket: this.opts.bucket,
        writer: this.opts.writer,
        tmpDir: this.opts.tmpDir,
      };
      const entries = [];
      try {
        for (const p of parts)
          entries.push(...(await writeLogBlocks(target, p.tenant, p.blocks, staged)));
        failpoint("logs-flush-uploaded");
        for (const e of entries) this.committing.add(e.key);
        try {
          if (entries.length > 0) await this.opts.catalog.commit({ add: entries, remove: [] });
        } finally {
          for (const e of entries) this.committing.delete(e.key);
        }
        failpoint("logs-flush-committed");
        await promoteStaged(this.opts.bucket, staged);
        failpoint("logs-flush-promoted");
      } finally {
        await removeLocal(staged);
      }
      // The same step as the files become visible to queries: see querier().
      for (const p of parts) p.head.drop(p.blocks);
      this.m.flushDuration.observe((performance.now() - started) / 1000);
      this.m.flushedFiles.inc(entries.length);
    } catch (err) {
      // Nothing committed, nothing acknowledged: the blocks stay and the next flush retries.
      this.m.flushErrors.inc();
      log.error("Cannot flush logs to Parquet: retrying at the next flush", {
        error: String(err),
      });
      return;
    }
    this.opts.onCommitted(parts.flatMap((p) => p.blocks.map((b) => b.seq)));
  }
}

/** A query's view: unflushed blocks plus committed files, merged in time order. */
class UnionLogQuerier implements LogQuerier {
  private readonly keys: string[];
  private readonly locals: LocalFile[] = [];
  private readonly opened = new Map<string, Promise<LocalFile>>();
  private closed = false;

  constructor(
    private readonly blocks: LogBlock[],
    private readonly files: readonly FileEntry[],
    private readonly bucket: Bucket,
    private readonly pins: Pins,
  ) {
    this.keys = files.map((f) => f.key);
    pins.pin(this.keys);
  }

  async *select(params: LogSelectParams): AsyncGenerator<LogChunk> {
    const stored = await this.stored(params.startNs, params.endNs, params.matchers);
    const head = selectBlocks(this.blocks, params);
    if (!stored) yield* head;
    else if (this.blocks.length === 0) yield* stored.select(params);
    else yield* mergeChunks([stored.select(params), head], params.direction);
  }

  async streams(
    matchers: readonly LabelMatcher[],
    startNs: bigint,
    endNs: bigint,
  ): Promise<Labels[]> {
    const out = new Map<string, Labels>();
    for (const l of blockStreams(this.blocks, matchers, startNs, endNs)) out.set(l.join("\xff"), l);
    const stored = await this.stored(startNs, endNs, matchers);
    if (stored) {
      for (const l of await stored.streams(matchers, startNs, endNs)) out.set(l.join("\xff"), l);
    }
    return [...out.values()];
  }

  async buckets(params: LogBucketParams): Promise<LogBuckets> {
    const endNs = params.startNs + params.bucketNs * BigInt(params.buckets) + 1n;
    const stored = await this.stored(params.startNs, endNs, params.matchers);
    const parts: LogBuckets[] = [];
    if (stored) parts.push(await stored.buckets(params));
    if (this.blocks.length > 0) parts.push(await countBlocks(this.blocks, params));
    return concatBuckets(parts);
  }

  close(): void {
    this.closed = true;
    this.pins.unpin(this.keys);
    for (const l of this.locals) l.release();
    this.locals.length = 0;
  }

  /** A Parquet querier over the files overlapping [startNs, endNs), or null when none do. */
  private async stored(
    startNs: bigint,
    endNs: bigint,
    matchers: readonly LabelMatcher[],
  ): Promise<ParquetLogQuerier | null> {
    const startMs = Number(startNs / NS_PER_MS) - 1;
    const endMs = Number(endNs / NS_PER_MS) + 1;
    const jobs = jobsOf(matchers);
    const wanted = this.files.filter(
      (f) =>
        f.maxTime >= startMs &&
        f.minTime <= endMs &&
        (jobs === undefined || f.metrics.some((j) => jobs.includes(j))),
    );
    if (wanted.length === 0) return null;
    const paths = await Promise.all(wanted.map((f) => this.open(f.key)));
    return new ParquetLogQuerier(paths);
  }

  /** Opens a file once per query (an S3 object is fetched once), released by close(). */
  private async open(key: string): Promise<string> {
    let p = this.opened.get(key);
    if (!p) {
      p = openCommitted(this.bucket, key);
      this.opened.set(key, p);
      // An open that finishes after close() (another file failed first) is released at once.
      p.then((l) => (this.closed ? l.release() : this.locals.push(l))).catch(() => {});
    }
    return (await p).path;
  }
}

/** The `job` values a selector allows, when its matchers pin them to literals. */
function jobsOf(matchers: readonly LabelMatcher[]): string[] | undefined {
  for (const m of matchers) {
    if (m.name !== "job") continue;
    const literals = matcherLiterals(m);
    // `job=""` selects streams without a job, which a file's job list does not name.
    if (literals && !literals.includes("")) return literals;
  }
  return undefined;
}
