/**
 * Merges chunk sequences that are each in time order (head and Parquet files) into one
 * sequence in that order, with one stream table for all of them.
 */
import type { Labels } from "../../shared/model/labels.ts";
import type { LogChunk } from "./source.ts";
import { StreamTable } from "./streams.ts";

const OUT_CHUNK = 4096;

interface Cursor {
  it: AsyncIterator<LogChunk>;
  chunk: LogChunk | null;
  row: number;
  /** Stream ids of the current chunk's `streams`, in the merged table. */
  map: Int32Array;
}

/** Yields the records of every input in one time order (`direction`), ties in input order. */
export async function* mergeChunks(
  inputs: readonly AsyncIterable<LogChunk>[],
  direction: "forward" | "backward",
): AsyncGenerator<LogChunk> {
  const table = new StreamTable();
  const streams = table.labels;
  const mapStreams = (chunk: LogChunk) =>
    Int32Array.from(chunk.streams, (labels) => table.id(labels));
  const cursors: Cursor[] = [];
  for (const input of inputs) {
    const c: Cursor = {
      it: input[Symbol.asyncIterator](),
      chunk: null,
      row: 0,
      map: new Int32Array(),
    };
    if (await advance(c, mapStreams)) cursors.push(c);
  }
  const forward = direction === "forward";
  let out = newOut();
  while (cursors.length > 0) {
    if (cursors.length === 1) {
      // One input left: pass its chunks through (renumbered) instead of record by record.
      if (out.lines.length > 0) yield seal(out, streams);
      yield* rest(cursors[0], mapStreams, streams);
      return;
    }
    let best = 0;
    for (let k = 1; k < cursors.length; k++) {
      const a = cursors[k].chunk!.timeNs[cursors[k].row];
      const b = cursors[best].chunk!.timeNs[cursors[best].row];
      if (forward ? a < b : a > b) best = k;
    }
    const c = cursors[best];
    const chunk = c.chunk!;
    out.stream.push(c.map[chunk.stream[c.row]]);
    out.timeNs.push(chunk.timeNs[c.row]);
    out.lines.push(chunk.lines[c.row]);
    out.fields.push(chunk.fields[c.row]);
    c.row++;
    if (c.row >= chunk.length && !(await advance(c, mapStreams))) cursors.splice(best, 1);
    if (out.lines.length >= OUT_CHUNK) {
      yield seal(out, streams);
      out = newOut();
    }
  }
  if (out.lines.length > 0) yield seal(out, streams);
}

async function* rest(
  c: Cursor,
  mapStreams: (chunk: LogChunk) => Int32Array,
  streams: Labels[],
): AsyncGenerator<LogChunk> {
  do {
    const chunk = c.chunk!;
    const from = c.row;
    const stream = new Int32Array(chunk.length - from);
    for (let i = from; i < chunk.length; i++) stream[i - from] = c.map[chunk.stream[i]];
    yield {
      length: chunk.length - from,
      stream,
      timeNs: chunk.timeNs.subarray(from),
      lines: from === 0 ? chunk.lines : chunk.lines.slice(from),
      fields: from === 0 ? chunk.fields : chunk.fields.slice(from),
      streams: streams.slice(),
    };
  } while (await advance(c, mapStreams));
}

async function advance(c: Cursor, mapStreams: (chunk: LogChunk) => Int32Array): Promise<boolean> {
  for (;;) {
    const next = await c.it.next();
    if (next.done) return false;
    if (next.value.length === 0) continue;
    c.chunk = next.value;
    c.row = 0;
    c.map = mapStreams(next.value);
    return true;
  }
}

function newOut() {
  return {
    stream: [] as number[],
    timeNs: [] as bigint[],
    lines: [] as string[],
    fields: [] as (readonly string[])[],
  };
}

function seal(out: ReturnType<typeof newOut>, streams: Labels[]): LogChunk {
  return {
    length: out.lines.length,
    stream: Int32Array.from(out.stream),
    timeNs: BigInt64Array.from(out.timeNs),
    lines: out.lines,
    fields: out.fields,
    // The table grows as inputs reveal streams: later chunks see a longer one.
    streams: streams.slice(),
  };
}
