/** Helpers for the Parquet log tests: build `LogRows` from readable records, read them back. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelsFromRecord, labelsToMap } from "../../../../shared/model/labels.ts";
import type { LogChunk } from "../../../logs/source.ts";
import type { LogRows } from "./schema.ts";

/** A log record as tests write it. */
export interface TestRecord {
  labels: Record<string, string>;
  t: bigint;
  line: string;
  fields?: string[];
}

/** Builds columnar rows from records, in the given order, one stream per distinct label set. */
export function logRows(records: readonly TestRecord[]): LogRows {
  const streams: string[][] = [];
  const index = new Map<string, number>();
  const stream = new Int32Array(records.length);
  records.forEach((r, i) => {
    const labels = labelsFromRecord(r.labels) as string[];
    const key = labels.join("\xff");
    if (!index.has(key)) {
      index.set(key, streams.length);
      streams.push(labels);
    }
    stream[i] = index.get(key)!;
  });
  return {
    length: records.length,
    streams,
    stream,
    timeNs: BigInt64Array.from(records, (r) => r.t),
    lines: records.map((r) => r.line),
    fields: records.map((r) => r.fields ?? null),
  };
}

/** Reads every chunk of a select back as records (fields only when present). */
export async function collect(chunks: AsyncIterable<LogChunk>): Promise<TestRecord[]> {
  const out: TestRecord[] = [];
  for await (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      const r: TestRecord = {
        labels: Object.fromEntries(labelsToMap(c.streams[c.stream[i]])),
        t: c.timeNs[i],
        line: c.lines[i],
      };
      if (c.fields[i].length > 0) r.fields = [...c.fields[i]];
      out.push(r);
    }
  }
  return out;
}

/** A temp folder removed by the returned `cleanup`, and a maker of fresh file paths in it. */
export function tempFiles(prefix: string): { path: () => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    path: () => join(dir, `f${n++}.parquet`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
