import type { FileHandle } from "node:fs/promises";

const NL = 10;

/** Bytes kept free before each block for a line the caller prepends (see {@link LineBlocks.prepend}). */
const HEAD_ROOM = 4096;
/** Bytes kept free after each block for a line the caller appends (see {@link LineBlocks.append}). */
const TAIL_ROOM = 64;

/**
 * Reads a file in blocks of whole lines, all in one reused buffer: each block ends after a line
 * break, and the unfinished line after it is carried to the front of the next block. A line
 * longer than the block size grows the buffer. Memory stays at about one block.
 */
export class LineBlocks {
  /** Bytes read from the file so far. */
  bytes = 0;
  /** The current block is `buf[start, end)`. */
  buf: Uint8Array;
  start = HEAD_ROOM;
  end = HEAD_ROOM;
  /** True once the file is exhausted: the current block is its rest (maybe without a line break). */
  last = false;
  /** Where the carried bytes (an unfinished line) start, and how many there are. */
  private carryAt = HEAD_ROOM;
  private carry = 0;
  /** Bytes under the appended line, put back by {@link restore}. */
  private readonly saved = new Uint8Array(TAIL_ROOM);
  private savedAt = -1;
  private savedLength = 0;

  constructor(
    private readonly file: FileHandle,
    blockBytes: number,
  ) {
    this.buf = new Uint8Array(HEAD_ROOM + Math.max(1, blockBytes) + TAIL_ROOM);
  }

  /** Reads the next block; false when the file holds nothing more. */
  async next(): Promise<boolean> {
    this.restore();
    if (this.last) return false;
    const buf = this.buf;
    buf.copyWithin(HEAD_ROOM, this.carryAt, this.carryAt + this.carry);
    let end = HEAD_ROOM + this.carry;
    let scanned = end;
    for (;;) {
      if (end === this.buf.length - TAIL_ROOM) this.grow();
      const { bytesRead } = await this.file.read(this.buf, end, this.buf.length - TAIL_ROOM - end);
      this.bytes += bytesRead;
      if (bytesRead === 0) {
        this.last = true;
        this.start = HEAD_ROOM;
        this.end = end;
        this.carryAt = end;
        this.carry = 0;
        return end > HEAD_ROOM;
      }
      end += bytesRead;
      const nl = this.buf.lastIndexOf(NL, end - 1);
      if (nl >= scanned) {
        this.start = HEAD_ROOM;
        this.end = nl + 1;
        this.carryAt = nl + 1;
        this.carry = end - nl - 1;
        return true;
      }
      scanned = end;
    }
  }

  /** Puts `line` in front of the current block (moving the block only when the head room is too small). */
  prepend(line: Uint8Array): void {
    if (line.length <= HEAD_ROOM) this.start = HEAD_ROOM - line.length;
    else {
      this.shift(line.length);
      this.start = HEAD_ROOM;
    }
    this.buf.set(line, this.start);
  }

  /** Writes `line` (at most 64 bytes) after the current block; the next call to next() undoes it. */
  append(line: Uint8Array): void {
    const at = this.end;
    this.savedAt = at;
    this.savedLength = line.length;
    this.saved.set(this.buf.subarray(at, at + line.length));
    this.buf.set(line, at);
    this.end += line.length;
  }

  /** The current block as one array. */
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  private restore(): void {
    if (this.savedAt < 0) return;
    this.buf.set(this.saved.subarray(0, this.savedLength), this.savedAt);
    this.savedAt = -1;
  }

  /** Moves the block and its carried bytes `by` bytes up, into a larger buffer. */
  private shift(by: number): void {
    const next = new Uint8Array(this.buf.length + by);
    next.set(this.buf.subarray(HEAD_ROOM, this.carryAt + this.carry), HEAD_ROOM + by);
    this.buf = next;
    this.end += by;
    this.carryAt += by;
  }

  /** Doubles the buffer for a line that does not fit, keeping the bytes read so far. */
  private grow(): void {
    const next = new Uint8Array(
      HEAD_ROOM + 2 * (this.buf.length - HEAD_ROOM - TAIL_ROOM) + TAIL_ROOM,
    );
    next.set(this.buf.subarray(0, this.buf.length - TAIL_ROOM));
    this.buf = next;
  }
}
