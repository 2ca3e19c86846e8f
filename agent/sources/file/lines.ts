/**
 * Cuts file bytes into lines at byte level: `\n` ends a line, a `\r` before it is dropped,
 * invalid UTF-8 becomes U+FFFD (Buffer's decoder replaces exactly as a non-fatal TextDecoder
 * does, and is faster per line). A line longer than the limit is cut there and the rest is
 * skipped as it streams past, so a 10 MB line costs no more memory than the limit.
 */
import { isUtf8 } from "node:buffer";
import type { Value } from "../../../shared/metrics/registry.ts";

/** Where the splitter hands each line. */
export interface LineSink {
  /** `start` is the file offset of the line's first byte, `end` the offset just past its `\n`. */
  line(text: string, start: number, end: number): void;
}

/** Counters the splitter keeps. */
export interface LineCounters {
  readonly truncated: Value;
  readonly invalidUtf8: Value;
}

const LF = 10;
const CR = 13;
const INITIAL_CARRY = 4096;

/** Splits a stream of chunks into lines, carrying an unfinished line from chunk to chunk. */
export class LineSplitter {
  /** The start of the current unfinished line; it holds at most maxBytes + 1 bytes (room for a \r). */
  private carry: Buffer;
  private carryLen = 0;
  /** Dropping the rest of a line that passed the limit, until its newline. */
  private skipping = false;
  private start: number;
  private end: number;

  constructor(
    private readonly maxBytes: number,
    offset: number,
    private readonly sink: LineSink,
    private readonly counters: LineCounters,
  ) {
    this.start = offset;
    this.end = offset;
    this.carry = Buffer.allocUnsafe(Math.min(INITIAL_CARRY, maxBytes + 1));
  }

  /** The file offset of the first byte not yet handed over as part of a line. */
  get pendingStart(): number {
    return this.start;
  }

  /** The file offset just past the last byte pushed. */
  get readEnd(): number {
    return this.end;
  }

  /** Bytes reserved for an unfinished line: never more than the limit plus one. */
  get capacity(): number {
    return this.carry.length;
  }

  /** Whether bytes of an unfinished line are waiting for their newline. */
  get hasPartial(): boolean {
    return this.start < this.end;
  }

  /** Splits `chunk`, which holds the file's bytes from `this.readEnd` on. */
  push(chunk: Buffer): void {
    const base = this.end;
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) {
        this.append(chunk, pos, n);
        break;
      }
      if (this.carryLen === 0 && !this.skipping) this.emitDirect(chunk, pos, nl, base);
      else {
        this.append(chunk, pos, nl);
        this.emitCarry(base + nl + 1);
      }
      pos = nl + 1;
      this.start = base + pos;
    }
    this.end = base + n;
  }

  /** Hands over the unfinished line as it stands (rotation, deletion, a multiline timeout). */
  flushPartial(): void {
    if (!this.hasPartial) return;
    this.emitCarry(this.end);
    this.start = this.end;
  }

  /** A line that lies whole in the chunk: decoded straight from it. */
  private emitDirect(chunk: Buffer, from: number, nl: number, base: number): void {
    let to = nl;
    if (to > from && chunk[to - 1] === CR) to--;
    if (to - from > this.maxBytes) {
      to = cutPoint(chunk, from, from + this.maxBytes);
      this.counters.truncated.inc();
    }
    this.deliver(chunk, from, to, base + from, base + nl + 1);
  }

  /** The carried line, ending at file offset `end`. */
  private emitCarry(end: number): void {
    let to = this.carryLen;
    if (!this.skipping && to > 0 && this.carry[to - 1] === CR) to--;
    if (to > this.maxBytes || this.skipping) {
      to = cutPoint(this.carry, 0, Math.min(to, this.maxBytes));
      this.counters.truncated.inc();
    }
    this.deliver(this.carry, 0, to, this.start, end);
    this.carryLen = 0;
    this.skipping = false;
  }

  private deliver(bytes: Buffer, from: number, to: number, start: number, end: number): void {
    const text = bytes.toString("utf8", from, to);
    // U+FFFD is rare in logs; only then are the bytes checked, since it may also be written as-is.
    if (text.includes("\uFFFD") && !isUtf8(bytes.subarray(from, to))) {
      this.counters.invalidUtf8.inc();
    }
    this.sink.line(text, start, end);
  }

  /** Adds bytes of the unfinished line to the carry, up to the limit. */
  private append(chunk: Buffer, from: number, to: number): void {
    if (this.skipping) return;
    const cap = this.maxBytes + 1;
    const take = Math.min(to - from, cap - this.carryLen);
    if (this.carryLen + take > this.carry.length) this.grow(this.carryLen + take);
    chunk.copy(this.carry, this.carryLen, from, from + take);
    this.carryLen += take;
    if (take < to - from) this.skipping = true;
  }

  private grow(need: number): void {
    let size = this.carry.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(Math.min(size, this.maxBytes + 1));
    this.carry.copy(next, 0, 0, this.carryLen);
    this.carry = next;
  }
}

/**
 * Moves a cut at `to` back to the start of the UTF-8 character it would split, so that a cut
 * line does not end in a replacement character. `bytes[to]` must exist.
 */
function cutPoint(bytes: Buffer, from: number, to: number): number {
  if (to >= bytes.length) return to;
  let cut = to;
  for (let k = 0; k < 3 && cut > from && (bytes[cut] & 0xc0) === 0x80; k++) cut--;
  // Only a lead byte of a multi-byte character is worth cutting before; stray bytes stay.
  return bytes[cut] >= 0xc0 ? cut : to;
}
