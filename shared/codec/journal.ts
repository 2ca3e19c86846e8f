/**
 * Journal records: what a BatchEncoder's sample sections gained between two calls of
 * `journal()`, and the batch rebuilt from them (the agent's write-ahead log of its open batch).
 *
 *   record = uvarint samples, then per section: uvarint length, bytes
 */
import { ByteWriter } from "./writer.ts";

/** Sections of a journal record: string bytes, string lengths, series labels, sample groups. */
export const JOURNAL_SECTIONS = 4;

/** Writes the sample part of a Batch from its four sections (see `journal()`). */
export function writeSampleSections(
  out: ByteWriter,
  [strings, lengths, series, groups]: Uint8Array[],
) {
  out.lenField(1, strings);
  out.lenField(6, lengths);
  out.lenField(2, series);
  out.raw(groups);
}

/** A batch rebuilt from journal records, and the samples it holds. */
export interface AssembledBatch {
  bytes: Uint8Array;
  samples: number;
}

/**
 * Rebuilds a Batch from the journal records `BatchEncoder.journal()` wrote, in order. Throws a
 * RangeError when a record is truncated (a caller that checksums its records never sees one).
 */
export function assembleJournal(
  records: readonly Uint8Array[],
  createdMs: number = Date.now(),
): AssembledBatch {
  const sections = Array.from({ length: JOURNAL_SECTIONS }, () => new ByteWriter(1024));
  let samples = 0;
  for (const record of records) {
    const r = new JournalReader(record);
    samples += r.uvarint();
    for (const section of sections) section.raw(r.bytes(r.uvarint()));
    if (!r.done) throw new RangeError("Cannot assemble batch: a journal record has trailing bytes");
  }
  const out = new ByteWriter(sections.reduce((n, s) => n + s.pos, 64));
  writeSampleSections(
    out,
    sections.map((s) => s.bytes()),
  );
  out.tag(5, 0);
  out.uvarint(createdMs);
  return { bytes: out.bytes(), samples };
}

/** The few reads a journal record needs, bounds-checked. */
class JournalReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos === this.buf.length;
  }

  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) break;
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new RangeError("Cannot assemble batch: a journal record is truncated");
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) {
      throw new RangeError("Cannot assemble batch: a journal record is truncated");
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
