/**
 * The logs head: log batches of one tenant that are not yet in Parquet, kept as the decoded
 * columns they arrived in (one block per JetStream message). A flush takes the blocks and,
 * once their file is committed, drops them: recent logs are then read from that file, so a
 * record is in exactly one place at any time a query looks.
 */
import type { DecodedLogs } from "../../shared/codec/decode_logs.ts";
import type { Labels } from "../../shared/model/labels.ts";
import { heavy } from "../../shared/runtime/budget.ts";
import { Turns } from "../../shared/runtime/turns.ts";
import { compileMatchers } from "../storage/matchers.ts";
import type { LabelMatcher } from "../storage/storage.ts";
import { compileLineFilters } from "./logql/line_filter.ts";
import type { LogBucketParams, LogBuckets, LogChunk, LogSelectParams } from "./source.ts";
import { StreamTable } from "./streams.ts";

/** A scan of the head reads the clock every this many lines to see whether others need a turn. */
const SCAN_CLOCK_EVERY = 256;

/** One received batch: its streams and records. */
export interface LogBlock {
  readonly streams: readonly Labels[];
  readonly logs: DecodedLogs;
  /** The JetStream sequence it came with. */
  readonly seq: number;
  /** Approximate memory held (line bytes plus per-record overhead). */
  readonly bytes: number;
}

/** Per-record overhead beside the line text: stream, time, string header, fields slot. */
const RECORD_OVERHEAD = 48;
/** A record's own field array, beyond its strings. */
const FIELDS_OVERHEAD = 32;
const CHUNK = 4096;

/** The unflushed log blocks of one tenant. */
export class LogHead {
  private blocks: LogBlock[] = [];
  private held = 0;
  private count = 0;

  /** Adds one decoded batch. */
  append(streams: readonly Labels[], logs: DecodedLogs, seq: number): void {
    let bytes = logs.lineBytes * 2 + logs.length * RECORD_OVERHEAD;
    // Structured fields count too: a large field must pause ingest like a large line does.
    for (const f of logs.fields) {
      if (f.length === 0) continue;
      bytes += FIELDS_OVERHEAD + 16 * f.length;
      for (const s of f) bytes += 2 * s.length;
    }
    this.blocks.push({ streams, logs, seq, bytes });
    this.held += bytes;
    this.count += logs.length;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.held;
  }

  /** Records held. */
  get records(): number {
    return this.count;
  }

  /** The blocks held now (a flush writes these, then calls `drop()` with them). */
  snapshot(): LogBlock[] {
    return this.blocks.slice();
  }

  /** Forgets blocks a committed flush wrote. */
  drop(written: readonly LogBlock[]): void {
    const gone = new Set(written);
    this.blocks = this.blocks.filter((b) => !gone.has(b));
    this.held = this.blocks.reduce((n, b) => n + b.bytes, 0);
    this.count = this.blocks.reduce((n, b) => n + b.logs.length, 0);
  }
}

/**
 * Reads records of `blocks` as `select()` asks: matching streams, in range, in time order.
 * The scan gives other work turns: every so many lines, and after each line a costly filter
 * regex was charged a check's worth for (shared/runtime/budget.ts).
 */
export async function* selectBlocks(
  blocks: readonly LogBlock[],
  params: LogSelectParams,
): AsyncGenerator<LogChunk> {
  const match = compileMatchers(params.matchers);
  const filters = compileLineFilters(params.lineFilters);
  const filtered = params.lineFilters.length > 0;
  const turns = new Turns();
  const table = new StreamTable();
  const streams = table.labels;
  const hits: { block: LogBlock; row: number; stream: number }[] = [];
  for (const block of blocks) {
    const local = block.streams.map((labels) => (match(labels) ? table.id(labels) : -1));
    const { logs } = block;
    for (let i = 0; i < logs.length; i++) {
      if (turns.due(SCAN_CLOCK_EVERY) || (filtered && heavy())) await turns.turn();
      const s = local[logs.stream[i]];
      if (s < 0) continue;
      const t = logs.timeNs[i];
      if (t < params.startNs || t >= params.endNs || !filters(logs.lines[i])) continue;
      hits.push({ block, row: i, stream: s });
    }
  }
  const sign = params.direction === "forward" ? 1 : -1;
  // Stable sort: equal times keep arrival order (reversed when reading backward).
  hits.sort((a, b) => {
    const ta = a.block.logs.timeNs[a.row];
    const tb = b.block.logs.timeNs[b.row];
    return ta === tb ? 0 : ta < tb ? -sign : sign;
  });
  if (sign < 0) stableReverseTies(hits);
  for (let from = 0; from < hits.length; from += CHUNK) {
    const part = hits.slice(from, from + CHUNK);
    yield {
      length: part.length,
      stream: Int32Array.from(part, (h) => h.stream),
      timeNs: BigInt64Array.from(part, (h) => h.block.logs.timeNs[h.row]),
      lines: part.map((h) => h.block.logs.lines[h.row]),
      fields: part.map((h) => h.block.logs.fields[h.row]),
      streams,
    };
  }
}

/** Stream label sets of `blocks` matching `matchers` with a record in [startNs, endNs). */
export function blockStreams(
  blocks: readonly LogBlock[],
  matchers: readonly LabelMatcher[],
  startNs: bigint,
  endNs: bigint,
): Labels[] {
  const match = compileMatchers(matchers);
  const out = new Map<string, Labels>();
  for (const block of blocks) {
    const seen = new Uint8Array(block.streams.length);
    const { logs } = block;
    for (let i = 0; i < logs.length; i++) {
      const t = logs.timeNs[i];
      if (t >= startNs && t < endNs) seen[logs.stream[i]] = 1;
    }
    block.streams.forEach((labels, s) => {
      if (seen[s] && match(labels)) out.set(labels.join("\xff"), labels);
    });
  }
  return [...out.values()];
}

// Within a run of equal timestamps, backward order lists the latest-arrived first.
function stableReverseTies<T extends { block: LogBlock; row: number }>(hits: T[]): void {
  let i = 0;
  while (i < hits.length) {
    const t = hits[i].block.logs.timeNs[hits[i].row];
    let j = i + 1;
    while (j < hits.length && hits[j].block.logs.timeNs[hits[j].row] === t) j++;
    if (j - i > 1) {
      const run = hits.slice(i, j).reverse();
      for (let k = i; k < j; k++) hits[k] = run[k - i];
    }
    i = j;
  }
}

/**
 * Counts records and line bytes of `blocks` per stream and bucket (see LogQuerier.buckets),
 * giving other work turns as {@link selectBlocks} does.
 */
export async function countBlocks(
  blocks: readonly LogBlock[],
  params: LogBucketParams,
): Promise<LogBuckets> {
  const match = compileMatchers(params.matchers);
  const filters = compileLineFilters(params.lineFilters);
  const filtered = params.lineFilters.length > 0;
  const turns = new Turns();
  const table = new StreamTable();
  const streams = table.labels;
  const cells = new Map<number, { count: number; bytes: number }>();
  const n = params.buckets;
  for (const block of blocks) {
    const local = block.streams.map((labels) => (match(labels) ? table.id(labels) : -1));
    const { logs } = block;
    for (let i = 0; i < logs.length; i++) {
      if (turns.due(SCAN_CLOCK_EVERY) || (filtered && heavy())) await turns.turn();
      const s = local[logs.stream[i]];
      if (s < 0) continue;
      const rel = logs.timeNs[i] - params.startNs;
      if (rel <= 0n) continue;
      const k = Number((rel - 1n) / params.bucketNs);
      if (k >= n || !filters(logs.lines[i])) continue;
      const key = s * n + k;
      let cell = cells.get(key);
      if (!cell) {
        cell = { count: 0, bytes: 0 };
        cells.set(key, cell);
      }
      cell.count++;
      cell.bytes += Buffer.byteLength(logs.lines[i]);
    }
  }
  const size = cells.size;
  const out = {
    streams,
    length: size,
    stream: new Int32Array(size),
    bucket: new Int32Array(size),
    count: new Float64Array(size),
    bytes: new Float64Array(size),
  };
  let r = 0;
  for (const [key, cell] of cells) {
    out.stream[r] = Math.floor(key / n);
    out.bucket[r] = key % n;
    out.count[r] = cell.count;
    out.bytes[r] = cell.bytes;
    r++;
  }
  return out;
}
