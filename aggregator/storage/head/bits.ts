/**
 * Bit-level writing and reading in a Uint8Array, most significant bit first, for the head's
 * chunk encoding. Numbers wider than 32 bits travel as a high and a low part.
 */

const TWO_32 = 2 ** 32;

/**
 * Writes the low `n` bits (n ≤ 32) of the unsigned `value` at bit `pos` of `buf`, whose bytes
 * from `pos` on must be zero; returns the position after them.
 */
export function putBits(buf: Uint8Array, pos: number, value: number, n: number): number {
  while (n > 0) {
    const free = 8 - (pos & 7);
    const take = Math.min(n, free);
    const bits = (value >>> (n - take)) & ((1 << take) - 1);
    buf[pos >>> 3] |= bits << (free - take);
    pos += take;
    n -= take;
  }
  return pos;
}

/** Writes an unsigned integer below 2^(32 + hiBits) as `hiBits` high bits then 32 low bits. */
export function putWide(buf: Uint8Array, pos: number, value: number, hiBits: number): number {
  pos = putBits(buf, pos, Math.floor(value / TWO_32), hiBits);
  return putBits(buf, pos, value >>> 0, 32);
}

/** Maps a signed integer to an unsigned one, small magnitudes first (0, -1, 1, -2, …). */
export function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1;
}

/** The inverse of {@link zigzag}. */
export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** Reads bits written by {@link putBits}; one instance is reused across reads. */
export class BitReader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;

  /** Points the reader at bit `pos` of `buf`. */
  reset(buf: Uint8Array, pos: number): void {
    this.buf = buf;
    this.pos = pos;
  }

  /** Reads `n` (≤ 32) bits as an unsigned number. */
  read(n: number): number {
    let v = 0;
    let pos = this.pos;
    const buf = this.buf;
    while (n > 0) {
      const free = 8 - (pos & 7);
      const take = Math.min(n, free);
      const bits = (buf[pos >>> 3] >>> (free - take)) & ((1 << take) - 1);
      v = ((v << take) | bits) >>> 0;
      pos += take;
      n -= take;
    }
    this.pos = pos;
    return v;
  }

  /** Reads a number written by {@link putWide}. */
  readWide(hiBits: number): number {
    const hi = this.read(hiBits);
    return hi * TWO_32 + this.read(32);
  }

  /** Counts leading 1 bits up to `max`, consuming them and the 0 that ends them. */
  ones(max: number): number {
    let n = 0;
    while (n < max && this.read(1) === 1) n++;
    return n;
  }
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

/** Writes a double's 64 bits at `at` (little-endian), for chunk headers. */
export function writeF64(buf: Uint8Array, at: number, v: number): void {
  f64[0] = v;
  writeU32(buf, at, f64Words[0]);
  writeU32(buf, at + 4, f64Words[1]);
}

/** Reads a double written by {@link writeF64}. */
export function readF64(buf: Uint8Array, at: number): number {
  f64Words[0] = readU32(buf, at);
  f64Words[1] = readU32(buf, at + 4);
  return f64[0];
}

/** Writes an unsigned 32-bit number at `at`, little-endian. */
export function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v;
  buf[at + 1] = v >>> 8;
  buf[at + 2] = v >>> 16;
  buf[at + 3] = v >>> 24;
}

/** Reads an unsigned 32-bit number written by {@link writeU32}. */
export function readU32(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
}
