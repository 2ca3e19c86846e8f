import { open } from "node:fs/promises";
import { SeriesCache } from "../../shared/exposition/cache.ts";
import { parseExposition } from "../../shared/exposition/parse.ts";
import { LineBlocks } from "./blocks.ts";
import { ChunkBuilder } from "./chunks.ts";
import { type ChunkConsumer, Delivery } from "./delivery.ts";

/*
 * The file is cut into blocks at line breaks and each block goes through the agent's exposition
 * parser (shared/exposition), which assumes a whole scrape. What that takes:
 * - `# EOF`: a block that does not end the file gets a synthetic `# EOF` appended (in the
 *   buffer's tail room, no copy). A real `# EOF` must end the file, as the parser and promtool
 *   require; a file without one is an error.
 * - `le`/`quantile` normalisation depends on the last `# TYPE` line, which the parser forgets
 *   between calls: each block starts with a copy of the last TYPE line seen (in the head room).
 * - Series identity: the one SeriesCache is never swept (no beginScrape/sweep), so a series
 *   keeps its cache entry, and with it its SeriesRef, for the whole file.
 * - Per-scrape duplicate detection: the handler defeats it (see ChunkBuilder.sample) and drops
 *   repeats itself, so block boundaries change nothing.
 * - Line numbers: the parser numbers lines within its block; they are shifted to file lines.
 */

/** What {@link readOpenMetricsFile} read. */
export interface ImportStats {
  /** Samples handed over. */
  samples: number;
  /** Distinct series. */
  series: number;
  /** Bytes read from the file. */
  bytes: number;
  /** Lines read, `# EOF` included. */
  lines: number;
  /** Wall time of the whole read, consumer calls included. */
  ms: number;
  /** Samples dropped because their series' previous sample had the same timestamp. */
  duplicates: number;
}

/** Options of {@link readOpenMetricsFile}. */
export interface ReadOptions {
  /** Rows per chunk handed to the consumer (the last chunk may hold fewer); default 1,000,000. */
  chunkRows?: number;
  /** Bytes read and parsed at a time (a longer line grows the buffer); default 8 MiB. */
  blockBytes?: number;
}

const EOF_LINE = new TextEncoder().encode("# EOF");
const PARSER_ERROR = /^Cannot parse exposition line (\d+): (.*)$/s;

/**
 * Streams an OpenMetrics file with timestamps as columnar chunks. Memory stays at one block,
 * three chunks (one with the consumer, one waiting for it, one filling) and the series table.
 *
 * - `onChunk` receives `chunkRows` rows at a time and the HELP/TYPE/UNIT of families new or
 *   changed since the previous chunk. Calls never overlap, but the next chunk is parsed while
 *   a call runs; rows handed over are never reused. A chunk may carry only metadata.
 * - `rows.series` lists the series of that chunk; the same label set is the same SeriesRef
 *   object in every chunk. Timestamps are ms (seconds × 1000, truncated, as Prometheus does).
 * - A sample at the same timestamp as its series' previous sample is dropped and counted in
 *   `duplicates` (the first is kept). Samples are passed in file order, not sorted.
 * - Like promtool, the first malformed line, a sample without a timestamp, or a missing
 *   `# EOF` aborts the import with `Cannot import <path>: line N: <reason>`. promtool checks
 *   the whole file before writing anything; this reader is single-pass, so chunks handed over
 *   before the bad line have been delivered.
 */
export async function readOpenMetricsFile(
  path: string,
  onChunk: ChunkConsumer,
  opts: ReadOptions = {},
): Promise<ImportStats> {
  const started = performance.now();
  const chunkRows = opts.chunkRows ?? 1_000_000;
  const blockBytes = opts.blockBytes ?? 8 << 20;
  for (const [name, v] of [
    ["chunkRows", chunkRows],
    ["blockBytes", blockBytes],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot import ${path}: ${name} must be a positive integer, got ${v}`);
    }
  }
  const file = await open(path, "r").catch((err: Error) => {
    throw new Error(`Cannot import ${path}: ${readFailure(err)}`);
  });
  const builder = new ChunkBuilder(chunkRows, path);
  const delivery = new Delivery(onChunk);
  try {
    const { lines, bytes } = await readBlocks(
      path,
      new LineBlocks(file, blockBytes),
      builder,
      delivery,
    );
    builder.seal();
    for (const chunk of builder.ready) await delivery.send(chunk);
    await delivery.drain();
    const { samples, series, duplicates } = builder;
    return { samples, series, bytes, lines, ms: performance.now() - started, duplicates };
  } finally {
    await delivery.settle();
    await file.close();
  }
}

/** Parses every block of the file into `builder`, handing on chunks as they fill. */
async function readBlocks(
  path: string,
  blocks: LineBlocks,
  builder: ChunkBuilder,
  delivery: Delivery,
): Promise<{ lines: number; bytes: number }> {
  const cache = new SeriesCache();
  const prefix = new TypePrefix();
  let lines = 0;
  let eof = false;
  while (await nextBlock(path, blocks)) {
    if (eof) throw lineError(path, lines + 1, 'unexpected data after "# EOF"');
    const typeLine = prefix.bytes(builder.typeName, builder.typeText);
    const prefixLines = typeLine.length > 0 ? 1 : 0;
    blocks.prepend(typeLine);
    // The file's last block keeps what it has: the parser then insists on a real # EOF.
    eof = blocks.last || endsWithEof(blocks.buf, blocks.start, blocks.end);
    if (!eof) blocks.append(EOF_LINE);
    builder.lineBase = lines - prefixLines;
    builder.sampleLines = 0;
    builder.metadataLines = 0;
    parseBlock(path, blocks.view(), cache, builder);
    lines += builder.sampleLines + builder.metadataLines - prefixLines + (eof ? 1 : 0);
    for (const chunk of builder.ready) await delivery.send(chunk);
    builder.ready.length = 0;
  }
  if (!eof) throw lineError(path, lines + 1, 'expected "# EOF" as the last line');
  return { lines, bytes: blocks.bytes };
}

/** Reads the next block, naming the file when that fails. */
async function nextBlock(path: string, blocks: LineBlocks): Promise<boolean> {
  try {
    return await blocks.next();
  } catch (err) {
    throw new Error(`Cannot import ${path}: ${readFailure(err as Error)}`);
  }
}

/** Runs the parser over one block, turning its block-relative errors into file lines. */
function parseBlock(path: string, block: Uint8Array, cache: SeriesCache, builder: ChunkBuilder) {
  try {
    parseExposition(block, "openmetrics", cache, builder);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith("Cannot import ")) throw err;
    const m = PARSER_ERROR.exec(message);
    if (m) throw lineError(path, builder.lineBase + Number(m[1]), m[2]);
    throw new Error(`Cannot import ${path}: ${message}`);
  }
}

/** Why a file could not be read, in words rather than an errno. */
function readFailure(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return err.message;
}

function lineError(path: string, line: number, reason: string): SyntaxError {
  return new SyntaxError(`Cannot import ${path}: line ${line}: ${reason}`);
}

/** True when the last line of `b[start, end)` is `# EOF` (with its line break). */
function endsWithEof(b: Uint8Array, start: number, end: number): boolean {
  let e = end - 1; // the block's final line break
  if (e > start && b[e - 1] === 13) e--;
  const s = e - EOF_LINE.length;
  if (s < start || (s > start && b[s - 1] !== 10)) return false;
  for (let k = 0; k < EOF_LINE.length; k++) if (b[s + k] !== EOF_LINE[k]) return false;
  return true;
}

/** The bytes of the `# TYPE` line that sets a block's starting context, rebuilt when it changes. */
class TypePrefix {
  private name = "";
  private text = "";
  private line = new Uint8Array(0);

  bytes(name: string, text: string): Uint8Array {
    if (name !== this.name || text !== this.text) {
      this.name = name;
      this.text = text;
      this.line = new TextEncoder().encode(`# TYPE ${quoteName(name)} ${text}\n`);
    }
    return this.line;
  }
}

/** A metric name as an OpenMetrics TYPE line spells it: bare when it can be, else quoted. */
function quoteName(name: string): string {
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) return name;
  return `"${name.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`;
}
