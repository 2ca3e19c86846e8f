/**
 * An in-memory LogQueryable: records appended in any order, read back as LogQuerier
 * promises — chunks in time order in either direction, line filters applied, a limit hint
 * honoured, and `buckets()` counting per stream. The reference implementation of the seam
 * for tests of the engine and the API; not built for volume.
 */
import type { Labels } from "../../shared/model/labels.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { formatLabelsGo } from "../promql/engine/format.ts";
import { compileMatchers } from "../storage/matchers.ts";
import type { LabelMatcher } from "../storage/storage.ts";
import { utf8Length } from "./logql/context.ts";
import { compileLineFilters } from "./logql/line_filter.ts";
import type {
  LogBucketParams,
  LogBuckets,
  LogChunk,
  LogQuerier,
  LogQueryable,
  LogSelectParams,
} from "./source.ts";

/** One stream's records, in time order (ties in append order). */
interface Stream {
  readonly labels: Labels;
  /** Prometheus-style label string; orders streams whose records share a timestamp. */
  readonly name: string;
  readonly timeNs: bigint[];
  readonly lines: string[];
  readonly fields: (readonly string[])[];
}

/** Log records held in memory. */
export class MemoryLogs implements LogQueryable {
  private readonly streams = new Map<string, Stream>();
  private readonly unsorted = new Set<Stream>();

  /** @param chunkSize records per chunk that `select()` yields. */
  constructor(private readonly chunkSize = 64) {}

  /** Adds records. */
  append(records: Iterable<LogRecord>): void {
    for (const r of records) {
      const key = r.labels.join("\u0000");
      let s = this.streams.get(key);
      if (s === undefined) {
        s = { labels: r.labels, name: formatLabelsGo(r.labels), timeNs: [], lines: [], fields: [] };
        this.streams.set(key, s);
      }
      const last = s.timeNs.at(-1);
      if (last !== undefined && r.timeNs < last) this.unsorted.add(s);
      s.timeNs.push(r.timeNs);
      s.lines.push(r.line);
      s.fields.push(r.fields);
    }
  }

  /** A view of the records appended so far. */
  async querier(): Promise<LogQuerier> {
    for (const s of this.unsorted) sortStream(s);
    this.unsorted.clear();
    const snapshot = [...this.streams.values()]
      .map((s) => ({ ...s, timeNs: [...s.timeNs], lines: [...s.lines], fields: [...s.fields] }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return new MemoryQuerier(snapshot, this.chunkSize);
  }
}

function sortStream(s: Stream): void {
  const order = [...s.timeNs.keys()].sort((a, b) =>
    s.timeNs[a] < s.timeNs[b] ? -1 : s.timeNs[a] > s.timeNs[b] ? 1 : a - b,
  );
  const [t, l, f] = [
    order.map((i) => s.timeNs[i]),
    order.map((i) => s.lines[i]),
    order.map((i) => s.fields[i]),
  ];
  for (let i = 0; i < order.length; i++) {
    s.timeNs[i] = t[i];
    s.lines[i] = l[i];
    s.fields[i] = f[i];
  }
}

/** The first index whose time is at least `t`. */
function lowerBound(times: readonly bigint[], t: bigint): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class MemoryQuerier implements LogQuerier {
  constructor(
    private readonly all: readonly Stream[],
    private readonly chunkSize: number,
  ) {}

  private matching(matchers: readonly LabelMatcher[]): Stream[] {
    const test = compileMatchers(matchers);
    return this.all.filter((s) => test(s.labels));
  }

  async *select(p: LogSelectParams): AsyncIterable<LogChunk> {
    const streams = this.matching(p.matchers);
    const keep = compileLineFilters(p.lineFilters);
    const refs: [number, number][] = [];
    streams.forEach((s, si) => {
      const end = lowerBound(s.timeNs, p.endNs);
      for (let i = lowerBound(s.timeNs, p.startNs); i < end; i++) refs.push([si, i]);
    });
    // Streams are sorted by name, so ties in time fall in stream order, then append order.
    refs.sort(([sa, ia], [sb, ib]) => {
      const ta = streams[sa].timeNs[ia];
      const tb = streams[sb].timeNs[ib];
      return ta < tb ? -1 : ta > tb ? 1 : sa - sb || ia - ib;
    });
    if (p.direction === "backward") refs.reverse();
    const labels = streams.map((s) => s.labels);
    let batch: [number, number][] = [];
    let yielded = 0;
    for (const ref of refs) {
      if (!keep(streams[ref[0]].lines[ref[1]])) continue;
      batch.push(ref);
      yielded++;
      const full = batch.length === this.chunkSize;
      const last = p.limitHint > 0 && yielded >= p.limitHint;
      if (full || last) {
        yield chunkOf(streams, labels, batch);
        batch = [];
      }
      if (last) return;
    }
    if (batch.length > 0) yield chunkOf(streams, labels, batch);
  }

  async streams(
    matchers: readonly LabelMatcher[],
    startNs: bigint,
    endNs: bigint,
  ): Promise<Labels[]> {
    return this.matching(matchers)
      .filter((s) => lowerBound(s.timeNs, startNs) < lowerBound(s.timeNs, endNs))
      .map((s) => s.labels);
  }

  async buckets(p: LogBucketParams): Promise<LogBuckets> {
    const streams = this.matching(p.matchers);
    const keep = compileLineFilters(p.lineFilters);
    const rows = {
      stream: [] as number[],
      bucket: [] as number[],
      count: [] as number[],
      bytes: [] as number[],
    };
    const endNs = p.startNs + BigInt(p.buckets) * p.bucketNs;
    streams.forEach((s, si) => {
      const counts = new Map<number, [number, number]>();
      // Bucket k holds startNs + k·bucketNs < t ≤ startNs + (k+1)·bucketNs.
      const end = lowerBound(s.timeNs, endNs + 1n);
      for (let i = lowerBound(s.timeNs, p.startNs + 1n); i < end; i++) {
        if (!keep(s.lines[i])) continue;
        const k = Number((s.timeNs[i] - p.startNs - 1n) / p.bucketNs);
        const c = counts.get(k) ?? [0, 0];
        c[0]++;
        c[1] += utf8Length(s.lines[i]);
        counts.set(k, c);
      }
      for (const [k, [count, bytes]] of counts) {
        rows.stream.push(si);
        rows.bucket.push(k);
        rows.count.push(count);
        rows.bytes.push(bytes);
      }
    });
    return {
      streams: streams.map((s) => s.labels),
      length: rows.stream.length,
      stream: Int32Array.from(rows.stream),
      bucket: Int32Array.from(rows.bucket),
      count: Float64Array.from(rows.count),
      bytes: Float64Array.from(rows.bytes),
    };
  }

  close(): void {}
}

function chunkOf(
  streams: readonly Stream[],
  labels: readonly Labels[],
  batch: [number, number][],
): LogChunk {
  return {
    length: batch.length,
    stream: Int32Array.from(batch, ([s]) => s),
    timeNs: BigInt64Array.from(batch, ([s, i]) => streams[s].timeNs[i]),
    lines: batch.map(([s, i]) => streams[s].lines[i]),
    fields: batch.map(([s, i]) => streams[s].fields[i]),
    streams: labels,
  };
}
