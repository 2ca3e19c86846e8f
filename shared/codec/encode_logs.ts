/**
 * The log half of the batch encoder: `LogRecords` columns (see ingest.proto) built record by
 * record. Strings and streams come from the enclosing BatchEncoder's tables.
 */
import { ByteWriter } from "./writer.ts";

const NS_PER_MS = 1_000_000n;
/** Largest time delta between neighbouring records (exclusive), 2^51 ns. */
const MAX_DELTA_NS = 2n ** 51n;

/** Columns of one batch's log records. */
export class LogColumns {
  private readonly streamDeltas = new ByteWriter();
  private readonly timeDeltas = new ByteWriter();
  private readonly lineData = new ByteWriter(64 * 1024);
  private readonly lineLengths = new ByteWriter();
  private readonly fieldCounts = new ByteWriter();
  private readonly fieldRefs = new ByteWriter();
  private readonly out = new ByteWriter();
  private prevStream = 0;
  private baseMs = 0;
  private prevNs = 0n;
  private anyFields = false;
  /** Records added since the last reset. */
  count = 0;

  /** Bytes written so far (before compression). */
  get approximateBytes(): number {
    return (
      this.lineData.pos + this.lineLengths.pos + this.timeDeltas.pos + this.streamDeltas.pos + 16
    );
  }

  /**
   * Whether a record at `timeNs` can join: its delta from the previous record must stay below
   * 2^51 ns (26 days) to be exact as a zigzag varint in a double. Seal the batch when not.
   */
  fits(timeNs: bigint): boolean {
    if (this.count === 0) return true;
    const d = timeNs - this.prevNs;
    return d < MAX_DELTA_NS && d > -MAX_DELTA_NS;
  }

  /** Adds one record (see fits()); `fieldRefs` are string-table indices (name, value, …). */
  add(stream: number, timeNs: bigint, line: string, fieldRefs: readonly number[]): void {
    if (this.count === 0) {
      this.baseMs = Number(timeNs / NS_PER_MS);
      this.prevNs = BigInt(this.baseMs) * NS_PER_MS;
    }
    this.streamDeltas.svarint(stream - this.prevStream);
    this.prevStream = stream;
    if (!this.fits(timeNs)) {
      throw new RangeError(
        "Cannot add log record: its time is 26 days or more from the previous one",
      );
    }
    this.timeDeltas.svarint(Number(timeNs - this.prevNs));
    this.prevNs = timeNs;
    this.lineLengths.uvarint(this.lineData.utf8(line));
    this.fieldCounts.uvarint(fieldRefs.length / 2);
    if (fieldRefs.length > 0) {
      this.anyFields = true;
      for (const ref of fieldRefs) this.fieldRefs.uvarint(ref);
    }
    this.count++;
  }

  /** The `LogRecords` message body. */
  bytes(): Uint8Array {
    const w = this.out;
    w.reset();
    w.lenField(1, this.streamDeltas.bytes());
    w.tag(2, 0);
    w.svarint(this.baseMs);
    w.lenField(3, this.timeDeltas.bytes());
    w.lenField(4, this.lineData.bytes());
    w.lenField(5, this.lineLengths.bytes());
    if (this.anyFields) {
      w.lenField(6, this.fieldCounts.bytes());
      w.lenField(7, this.fieldRefs.bytes());
    }
    return w.bytes();
  }

  /** Drops every record. */
  reset(): void {
    for (const w of [
      this.streamDeltas,
      this.timeDeltas,
      this.lineData,
      this.lineLengths,
      this.fieldCounts,
      this.fieldRefs,
    ])
      w.reset();
    this.prevStream = 0;
    this.anyFields = false;
    this.count = 0;
  }
}
