/** Decodes a batch's `LogRecords` message (see ingest.proto) from untrusted bytes. */
import { ByteReader } from "./reader.ts";

/** The log records of a decoded batch, as columns; `stream[i]` indexes `DecodedBatch.series`. */
export interface DecodedLogs {
  length: number;
  stream: Int32Array;
  timeNs: BigInt64Array;
  lines: string[];
  /** Per record: structured fields `[n0, v0, …]`; a shared empty array when it has none. */
  fields: (readonly string[])[];
  /** UTF-8 bytes of all lines together. */
  lineBytes: number;
}

interface Region {
  start: number;
  end: number;
}

const NO_FIELDS: readonly string[] = Object.freeze([]);
const NS_PER_MS = 1_000_000n;

/** Decodes the `LogRecords` at `region` of `bytes`; throws a RangeError/TypeError saying what is wrong. */
export function decodeLogs(
  bytes: Uint8Array,
  region: Region,
  strings: readonly string[],
  streamCount: number,
): DecodedLogs {
  const r = new ByteReader(bytes, region.start, region.end);
  const streamDeltas: number[] = [];
  const timeDeltas: number[] = [];
  const lengths: number[] = [];
  const fieldCounts: number[] = [];
  const fieldRefs: number[] = [];
  let baseMs = 0;
  let lineData: Region = { start: 0, end: 0 };
  while (r.more()) {
    const tag = r.uvarint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 2 && wire === 0) baseMs = r.svarint();
    else if (field === 4 && wire === 2) {
      const end = r.delimitedEnd("line data");
      lineData = { start: r.pos, end };
      r.pos = end;
    } else if (wire === 2 && field >= 1 && field <= 7) {
      const into = [streamDeltas, null, timeDeltas, null, lengths, fieldCounts, fieldRefs][
        field - 1
      ]!;
      readPacked(r, into, field === 1 || field === 3);
    } else r.skip(wire);
  }
  const n = lengths.length;
  if (streamDeltas.length !== n || timeDeltas.length !== n) {
    throw new TypeError("Cannot decode batch: log columns have different lengths");
  }
  if (fieldCounts.length !== 0 && fieldCounts.length !== n) {
    throw new TypeError("Cannot decode batch: log field counts do not match the records");
  }
  const out: DecodedLogs = {
    length: n,
    stream: new Int32Array(n),
    timeNs: new BigInt64Array(n),
    lines: new Array(n),
    fields: new Array(n),
    lineBytes: lineData.end - lineData.start,
  };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let stream = 0;
  let ns = BigInt(baseMs) * NS_PER_MS;
  let pos = lineData.start;
  let f = 0;
  for (let i = 0; i < n; i++) {
    stream += streamDeltas[i];
    if (stream < 0 || stream >= streamCount) {
      throw new RangeError(
        `Cannot decode batch: log record ${i} refers to stream ${stream} of ${streamCount}`,
      );
    }
    out.stream[i] = stream;
    ns += BigInt(timeDeltas[i]);
    out.timeNs[i] = ns;
    const end = pos + lengths[i];
    if (end > lineData.end)
      throw new RangeError("Cannot decode batch: line lengths run past the line data");
    // The agent sends valid UTF-8; anything else is replaced rather than refused, like the agent does.
    out.lines[i] = buf.toString("utf8", pos, end);
    pos = end;
    const count = fieldCounts.length ? fieldCounts[i] : 0;
    if (count === 0) out.fields[i] = NO_FIELDS;
    else {
      if (f + 2 * count > fieldRefs.length)
        throw new RangeError("Cannot decode batch: log fields run past their data");
      const pairs: string[] = new Array(2 * count);
      for (let k = 0; k < 2 * count; k++) {
        const ref = fieldRefs[f++];
        if (ref >= strings.length)
          throw new RangeError(
            `Cannot decode batch: a log field refers to string ${ref} of ${strings.length}`,
          );
        pairs[k] = strings[ref];
      }
      out.fields[i] = pairs;
    }
  }
  if (pos !== lineData.end)
    throw new RangeError("Cannot decode batch: line data longer than its lengths say");
  if (f !== fieldRefs.length) throw new TypeError("Cannot decode batch: log fields left over");
  return out;
}

function readPacked(r: ByteReader, into: number[], signed: boolean): void {
  const end = r.delimitedEnd("a packed field");
  const inner = new ByteReader(r.buf, r.pos, end);
  while (inner.more()) into.push(signed ? inner.svarint() : inner.uvarint());
  r.pos = end;
}
