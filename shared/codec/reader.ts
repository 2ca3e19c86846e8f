/**
 * A bounds-checked protobuf reader over untrusted bytes. Every read checks the end of the
 * buffer and throws a RangeError naming what was being read, so a broken frame becomes one
 * clear error instead of garbage.
 */
export class ByteReader {
  pos: number;
  private readonly view: DataView;
  private static readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** True while bytes remain before `end`. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads an unsigned varint of at most 2^53. */
  uvarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let b = 0;
    let result = 0;
    let shift = 0;
    // Fast path: up to four bytes fit in 28 bits.
    for (; shift < 28; shift += 7) {
      if (pos >= this.end) throw new RangeError("Cannot decode batch: truncated varint");
      b = buf[pos++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    let mul = 2 ** 28;
    for (; shift < 70; shift += 7) {
      if (pos >= this.end) throw new RangeError("Cannot decode batch: truncated varint");
      b = buf[pos++];
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) {
        this.pos = pos;
        if (result > Number.MAX_SAFE_INTEGER)
          throw new RangeError("Cannot decode batch: varint too large");
        return result;
      }
    }
    throw new RangeError("Cannot decode batch: varint longer than 10 bytes");
  }

  /** Reads a zigzag varint. */
  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Reads a length prefix and returns the end offset of the delimited region. */
  delimitedEnd(what: string): number {
    const len = this.uvarint();
    const end = this.pos + len;
    if (end > this.end)
      throw new RangeError(`Cannot decode batch: ${what} runs past the end of its frame`);
    return end;
  }

  /** Reads a length-delimited UTF-8 string. */
  string(): string {
    const end = this.delimitedEnd("a string");
    const s = ByteReader.decoder.decode(this.buf.subarray(this.pos, end));
    this.pos = end;
    return s;
  }

  /** Reads the two 32-bit words of a little-endian float64 (NaN payloads intact). */
  doubleWords(out: Uint32Array, slot: number): void {
    if (this.pos + 8 > this.end) throw new RangeError("Cannot decode batch: truncated double");
    out[2 * slot] = this.view.getUint32(this.pos, true);
    out[2 * slot + 1] = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
  }

  /** Skips a field of the given wire type (for fields added by newer schema versions). */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.uvarint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimitedEnd("a field");
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new RangeError(`Cannot decode batch: unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new RangeError("Cannot decode batch: truncated field");
  }
}
