/**
 * The file of a rollup run kept on disk (rollup_disk.ts): the magic, the index's and the
 * meta's byte lengths (u32, little-endian), the index (JSON: run key, metric, fields, the
 * placement keys of its files, series), the meta (JSON: each series' labels, length, bound and
 * exactness), then the columns, each 8-byte aligned and holding the series' rows one after
 * another: the held fields in ROLLUP_FIELDS' order (`count` held as its running total), the
 * running totals of counts and (with `sum`) sums, then each file's placements. Read back as
 * views of one mapping, without a copy; every length is checked against the file's size first.
 */
import { fieldArray, HELD_FIELDS, type RowPlacement } from "./rollup_rows.ts";
import type { RollupField, RollupRows } from "./storage.ts";

const MAGIC = "OUTPRUN1";
/** Where the index starts: after the magic and the two lengths. */
export const INDEX_AT = 16;

/** What names a stored run, and what finds one that overlaps a query's files. */
export interface RunIndex {
  readonly key: string;
  readonly metric: string;
  /** The held fields, `,`-joined (rollup_cache.ts keys runs by them). */
  readonly fields: string;
  /** The placement key of each file, in hour order. */
  readonly files: readonly string[];
  readonly series: number;
}

/** A run as the memory cache holds it. */
export interface StoredRun {
  readonly index: RunIndex;
  readonly rows: readonly RollupRows[];
  readonly placements: ReadonlyMap<string, RowPlacement>;
}

interface Meta {
  labels: (readonly string[])[];
  lengths: number[];
  /** `sumBound` of each series; null for +Infinity (JSON has none). */
  bounds: (number | null)[];
  exact: boolean[];
}

type Column = Float64Array | Int32Array | Uint8Array;

/** The arrays a column of the file holds: every series' rows (`extra` more each), or one file's placements. */
type Source =
  | {
      readonly rows: Exclude<RollupField, "count"> | "countTotal" | "sumTotal";
      readonly extra: 0 | 1;
    }
  | { readonly file: number; readonly part: keyof RowPlacement };

/** One column of the file: its key (for reading), array kind, length and what it holds. */
interface Entry {
  readonly key: string;
  readonly Kind: typeof Float64Array | typeof Int32Array | typeof Uint8Array;
  readonly n: number;
  readonly source: Source;
}

/** The columns of a run's file, in file order. */
function layout(index: RunIndex, lengths: readonly number[]): Entry[] {
  const held = new Set(index.fields.split(","));
  const total = lengths.reduce((n, l) => n + l, 0);
  const totals = total + lengths.length;
  const out: Entry[] = [];
  for (const f of HELD_FIELDS)
    if (held.has(f))
      out.push({ key: f, Kind: fieldArray(f), n: total, source: { rows: f, extra: 0 } });
  out.push({
    key: "countTotal",
    Kind: Float64Array,
    n: totals,
    source: { rows: "countTotal", extra: 1 },
  });
  if (held.has("sum"))
    out.push({
      key: "sumTotal",
      Kind: Float64Array,
      n: totals,
      source: { rows: "sumTotal", extra: 1 },
    });
  index.files.forEach((_, file) => {
    for (const [part, Kind] of [
      ["from", Int32Array],
      ["to", Int32Array],
      ["bound", Float64Array],
    ] as const)
      out.push({ key: `${part}${file}`, Kind, n: index.series, source: { file, part } });
  });
  return out;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;
const bytesOf = (a: Column): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The file's bytes, as chunks that share the run's arrays (no copy of its rows). */
export function encodeRun(run: StoredRun): Uint8Array[] {
  const { index, rows } = run;
  const meta: Meta = {
    labels: rows.map((r) => r.labels),
    lengths: rows.map((r) => r.length),
    bounds: rows.map((r) => (Number.isFinite(r.sumBound) ? r.sumBound : null)),
    exact: rows.map((r) => r.exactTotals),
  };
  const text = new TextEncoder();
  const indexBytes = text.encode(JSON.stringify(index));
  const metaBytes = text.encode(JSON.stringify(meta));
  const prefix = new Uint8Array(INDEX_AT);
  prefix.set(text.encode(MAGIC));
  const view = new DataView(prefix.buffer);
  view.setUint32(8, indexBytes.length, true);
  view.setUint32(12, metaBytes.length, true);
  const chunks: Uint8Array[] = [prefix, indexBytes, metaBytes];
  let at = INDEX_AT + indexBytes.length + metaBytes.length;
  const push = (c: Uint8Array) => {
    chunks.push(c);
    at += c.byteLength;
  };
  const align = () => {
    if (pad8(at) > 0) push(new Uint8Array(pad8(at)));
  };
  align();
  const placements = index.files.map((f) => {
    const p = run.placements.get(f);
    if (p === undefined) throw new Error(`no placement of file ${JSON.stringify(f)}`);
    return p;
  });
  for (const { key, source } of layout(index, meta.lengths)) {
    if ("file" in source) push(bytesOf(placements[source.file][source.part]));
    else {
      for (const r of rows) {
        const a = r[source.rows];
        if (a.length < r.length + source.extra) throw new Error(`series without column ${key}`);
        push(bytesOf(a.subarray(0, r.length + source.extra)));
      }
    }
    align();
  }
  return chunks;
}

/** The lengths at the start of a file of `size` bytes; throws when it is not a run's. */
export function readPrefix(bytes: Uint8Array, size: number): { index: number; meta: number } {
  if (bytes.length < INDEX_AT || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new Error("not a rollup run");
  const view = new DataView(bytes.buffer, bytes.byteOffset, INDEX_AT);
  const index = view.getUint32(8, true);
  const meta = view.getUint32(12, true);
  if (INDEX_AT + index + meta > size) throw new Error("lengths past the end of the file");
  return { index, meta };
}

/** The run a file's bytes hold (views of `map`, which must be 8-byte aligned). */
export function decodeRun(map: Uint8Array, index: RunIndex): StoredRun {
  const lengths = readPrefix(map, map.byteLength);
  const start = INDEX_AT + lengths.index;
  const meta = JSON.parse(
    new TextDecoder().decode(map.subarray(start, start + lengths.meta)),
  ) as Meta;
  const n = index.series;
  if (
    meta.labels.length !== n ||
    meta.lengths.length !== n ||
    meta.bounds.length !== n ||
    meta.exact.length !== n
  )
    throw new Error("series counts differ");
  if (meta.lengths.some((l) => !Number.isInteger(l) || l < 0)) throw new Error("bad series length");
  let at = start + lengths.meta;
  at += pad8(at);
  const cols = new Map<string, Column>();
  for (const col of layout(index, meta.lengths)) {
    const bytes = col.n * col.Kind.BYTES_PER_ELEMENT;
    if (at + bytes > map.byteLength) throw new Error(`column ${col.key} past the end of the file`);
    cols.set(col.key, new col.Kind(map.buffer as ArrayBuffer, map.byteOffset + at, col.n));
    at += bytes + pad8(bytes);
  }
  if (at !== map.byteLength) throw new Error("bytes after the last column");
  const empty = (f: RollupField) => new (fieldArray(f))(0);
  let row = 0;
  const rows = meta.lengths.map((length, s) => {
    const totalAt = row + s;
    const out: Record<string, unknown> = { labels: meta.labels[s], length };
    for (const f of HELD_FIELDS) out[f] = cols.get(f)?.subarray(row, row + length) ?? empty(f);
    out.countTotal = cols.get("countTotal")!.subarray(totalAt, totalAt + length + 1);
    out.sumTotal =
      cols.get("sumTotal")?.subarray(totalAt, totalAt + length + 1) ?? new Float64Array(0);
    out.sumBound = meta.bounds[s] ?? Number.POSITIVE_INFINITY;
    out.exactTotals = meta.exact[s];
    row += length;
    return out as unknown as RollupRows;
  });
  const placements = new Map<string, RowPlacement>();
  index.files.forEach((f, i) => {
    const from = cols.get(`from${i}`) as Int32Array;
    const to = cols.get(`to${i}`) as Int32Array;
    for (let s = 0; s < n; s++)
      if (from[s] < 0 || from[s] > to[s] || to[s] > meta.lengths[s])
        throw new Error(`placement of file ${i} past its series' rows`);
    placements.set(f, { from, to, bound: cols.get(`bound${i}`) as Float64Array });
  });
  return { index, rows, placements };
}
