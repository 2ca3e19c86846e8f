/**
 * The head's sample encoding. A series' samples form a run of chunks, oldest first: each is
 * closed after CHUNK_SAMPLES samples and moved to a shared page (arena.ts); the newest is open
 * and grows in place in the series' own buffer (chunks.ts). Out-of-order inserts may grow a
 * chunk, which is split past 2·CHUNK_SAMPLES (insert.ts), so a chunk stays under ~4.4 KB.
 *
 * Chunk = 24-byte header + a bit stream (most significant bit first), padded to a byte:
 *   header: u32 chunk bytes, u32 sample count, f64 min time, f64 max time (little-endian),
 *           kept current on every append so that readers treat open and closed chunks alike.
 *   sample 0: its time is the header's min time; then its value.
 *   sample i: time as delta-of-delta of the previous two times, then the value.
 * Time codes (dod in ms):  0 → dod 0 · 10+7 bits · 110+14 bits · 1110+24 bits (zigzag) ·
 *   1111 + 64 raw bits of the time (any double: jittered, fractional or huge times).
 * Values are decimal: v = mantissa / 10^scale with an exact round trip (every value parsed from
 * a short decimal is one, see classifyValue), and the mantissa is coded as the delta-of-delta
 * of the previous two, which is 0 for constant gauges and small for counters (the noise of
 * the increments, not the increments): 0 → dod 0 · 10+3 · 110+6 · 1110+9 · 11110+13 ·
 *   111110+18 · 1111110+24 · 11111110+32 bits (zigzag dod) ·
 *   111111110 + 4-bit scale + 53-bit zigzag mantissa (a new scale, a restart, a jump) ·
 *   111111111 + the 64 raw bits of the double (NaN payloads, the staleness marker, ±Inf, -0,
 *   values with no short decimal); a raw value leaves the mantissa state as it was.
 * The value classes were sized on counters with Poisson increments, random-walk gauges and
 * slow counters (bench/head.ts): ~7, ~4, ~17 and ~2 bits per value; aligned 15 s times ~1 bit.
 */
import { classifyValue, KIND_FLOAT, POW10 } from "../../../shared/codec/values.ts";
import {
  BitReader,
  putBits,
  putWide,
  readF64,
  readU32,
  unzigzag,
  writeF64,
  writeU32,
  zigzag,
} from "./bits.ts";

/** Samples after which a chunk closes and the next one starts. */
export const CHUNK_SAMPLES = 120;
/** Bytes of a chunk header. */
export const HEADER_BYTES = 24;
/** Most bytes one sample can take (73 + 68 bits), rounded up. */
const MAX_SAMPLE_BYTES = 18;
const MANTISSA_LIMIT = 2 ** 52;
/** Payload bits of value codes 1…7 (code = number of leading 1 bits). */
const VALUE_BITS = [0, 3, 6, 9, 13, 18, 24, 32];
/** Larger mantissa dods restart from the mantissa itself (a reset, a jump). */
const DOD_LIMIT = 2 ** 31;
const raw = new Float64Array(1);
const rawWords = new Uint32Array(raw.buffer);
const mantissa = new Float64Array(1);

/** Columns decoded samples land in; `words` views `values` (staleness markers survive there). */
export interface SampleColumns {
  timestamps: Float64Array;
  values: Float64Array;
  words: Uint32Array;
}

/** Appends samples to one chunk; its state is loaded from and stored back to the series. */
export class ChunkEncoder {
  buf: Uint8Array = new Uint8Array(0);
  /** Byte offset of the chunk's header in `buf`. */
  start = 0;
  /** Bit offset where the next sample goes. */
  pos = 0;
  count = 0;
  ts = 0;
  tsDelta = 0;
  mant = 0;
  mantDelta = 0;
  scale = 0;

  /**
   * Starts a chunk at byte `at` of `buf`, whose bytes from `at` on must be zero. When `buf`
   * must grow, it grows to hold `reserve` bytes for the chunk at once (a guess of its size).
   */
  begin(buf: Uint8Array, at: number, ts: number, reserve = 0): void {
    this.buf = buf;
    this.start = at;
    this.pos = (at + HEADER_BYTES) * 8;
    if (buf.length < at + HEADER_BYTES + MAX_SAMPLE_BYTES && reserve > 0) {
      this.buf = new Uint8Array(at + Math.max(reserve, HEADER_BYTES + MAX_SAMPLE_BYTES));
      this.buf.set(buf);
    }
    this.ensure();
    this.count = 0;
    this.ts = ts;
    this.tsDelta = 0;
    this.mant = 0;
    this.mantDelta = 0;
    this.scale = 0;
    writeF64(this.buf, at + 8, ts);
  }

  /** Appends one sample; `ts` must be above the last one. Keeps the header current. */
  append(ts: number, v: number, lo: number, hi: number): void {
    this.ensure();
    if (this.count > 0) this.appendTime(ts);
    this.appendValue(v, lo, hi);
    this.count++;
    const buf = this.buf;
    writeU32(buf, this.start, ((this.pos + 7) >>> 3) - this.start);
    writeU32(buf, this.start + 4, this.count);
    writeF64(buf, this.start + 16, ts);
  }

  /** Byte offset just past the chunk. */
  end(): number {
    return (this.pos + 7) >>> 3;
  }

  private appendTime(ts: number): void {
    const dod = ts - this.ts - this.tsDelta;
    // The decoder rebuilds the time as ts + (delta + dod); a time that would not come back
    // bit for bit (fractions, huge times) is written raw.
    if (this.ts + (this.tsDelta + dod) === ts && this.putTimeDod(dod)) {
      this.tsDelta += dod;
      this.ts = ts;
    } else this.rawTime(ts);
  }

  /** Writes the 1-, 9-, 17- or 28-bit code of a time dod; false when it is not a small integer. */
  private putTimeDod(dod: number): boolean {
    const buf = this.buf;
    if (dod === 0) this.pos = putBits(buf, this.pos, 0, 1);
    else if ((dod | 0) !== dod) return false;
    else if (dod >= -64 && dod < 64) this.pos = putBits(buf, this.pos, (2 << 7) | zigzag(dod), 9);
    else if (dod >= -8192 && dod < 8192) {
      this.pos = putBits(buf, this.pos, (6 << 14) | zigzag(dod), 17);
    } else if (dod >= -(2 ** 23) && dod < 2 ** 23) {
      this.pos = putBits(buf, this.pos, (14 << 24) | zigzag(dod), 28);
    } else return false;
    return true;
  }

  private rawTime(ts: number): void {
    raw[0] = ts;
    this.pos = putBits(this.buf, this.pos, 15, 4);
    this.pos = putBits(this.buf, this.pos, rawWords[1], 32);
    this.pos = putBits(this.buf, this.pos, rawWords[0], 32);
    this.tsDelta = ts - this.ts;
    this.ts = ts;
  }

  private appendValue(v: number, lo: number, hi: number): void {
    const p = POW10[this.scale];
    const m = Math.round(v * p);
    if (m / p !== v || m >= MANTISSA_LIMIT || m <= -MANTISSA_LIMIT || (v === 0 && 1 / v < 0)) {
      const scale = classifyValue(v, mantissa);
      if (scale === KIND_FLOAT) this.rawValue(lo, hi);
      else this.rebase(scale, mantissa[0]);
      return;
    }
    const d = m - this.mant;
    const dod = d - this.mantDelta;
    if (dod > -DOD_LIMIT && dod < DOD_LIMIT) {
      this.putValueDod(dod);
      this.mant = m;
      this.mantDelta = d;
    } else this.rebase(this.scale, m);
  }

  /** Writes a mantissa dod (|dod| < 2^31) with the code of its size class. */
  private putValueDod(dod: number): void {
    const buf = this.buf;
    const z = zigzag(dod);
    if (dod === 0) this.pos = putBits(buf, this.pos, 0, 1);
    else if (z < 8) this.pos = putBits(buf, this.pos, (0b10 << 3) | z, 5);
    else if (z < 64) this.pos = putBits(buf, this.pos, (0b110 << 6) | z, 9);
    else if (z < 512) this.pos = putBits(buf, this.pos, (0b1110 << 9) | z, 13);
    else if (z < 8192) this.pos = putBits(buf, this.pos, (0b11110 << 13) | z, 18);
    else if (z < 2 ** 18) this.pos = putBits(buf, this.pos, (0b111110 << 18) | z, 24);
    else if (z < 2 ** 24) this.pos = putBits(buf, this.pos, (0b1111110 << 24) | z, 31);
    else {
      this.pos = putBits(buf, this.pos, 0b11111110, 8);
      this.pos = putBits(buf, this.pos, z, 32);
    }
  }

  private rebase(scale: number, m: number): void {
    this.pos = putBits(this.buf, this.pos, (0b111111110 << 4) | scale, 13);
    this.pos = putWide(this.buf, this.pos, zigzag(m), 21);
    this.scale = scale;
    this.mant = m;
    this.mantDelta = 0;
  }

  private rawValue(lo: number, hi: number): void {
    this.pos = putBits(this.buf, this.pos, 0b111111111, 9);
    this.pos = putBits(this.buf, this.pos, hi, 32);
    this.pos = putBits(this.buf, this.pos, lo, 32);
  }

  /** Grows `buf` so that one more sample fits: by half the open chunk's size, at least 32 bytes. */
  private ensure(): void {
    const need = (this.pos >>> 3) + MAX_SAMPLE_BYTES;
    const len = this.buf.length;
    if (need <= len) return;
    const grown = len + Math.max(32, (len - this.start) >>> 1);
    const next = new Uint8Array(Math.max(need, grown, 64));
    next.set(this.buf); // not a subarray: see ChunkArena.add
    this.buf = next;
  }
}

/** Total bytes of the chunk at `at`. */
export function chunkBytes(buf: Uint8Array, at: number): number {
  return readU32(buf, at);
}

/** Samples in the chunk at `at`. */
export function chunkCount(buf: Uint8Array, at: number): number {
  return readU32(buf, at + 4);
}

const reader = new BitReader();

/**
 * Where a decode stopped in a chunk, so that it can go on from there once more samples were
 * appended (the head's open chunks grow by a sample a scrape; see tails.ts).
 */
export class DecodeState {
  /** Samples decoded so far. */
  i = 0;
  /** Bit offset of the next sample. */
  pos = 0;
  ts = 0;
  tsDelta = 0;
  mant = 0;
  mantDelta = 0;
  scale = 0;

  /** Points the state at the start of the chunk at byte `at` of `buf`. */
  begin(buf: Uint8Array, at: number): void {
    this.i = 0;
    this.pos = (at + HEADER_BYTES) * 8;
    this.ts = readF64(buf, at + 8);
    this.tsDelta = 0;
    this.mant = 0;
    this.mantDelta = 0;
    this.scale = 0;
  }
}

const fresh = new DecodeState();

/**
 * Decodes the chunk at byte `at` into `out` from index `o`, which must have room for its
 * samples; returns the index after the last one.
 */
export function decodeChunk(buf: Uint8Array, at: number, out: SampleColumns, o: number): number {
  fresh.begin(buf, at);
  return decodeMore(buf, at, fresh, out, o);
}

/**
 * Decodes the samples of the chunk at byte `at` that `st` has not decoded yet into `out` from
 * index `o` (room for them is the caller's), and moves `st` past them; returns the index after
 * the last one. `st` must come from this chunk, with only samples appended since.
 */
export function decodeMore(
  buf: Uint8Array,
  at: number,
  st: DecodeState,
  out: SampleColumns,
  o: number,
): number {
  const count = chunkCount(buf, at);
  const { timestamps, values, words } = out;
  reader.reset(buf, st.pos);
  let { ts, tsDelta, mant, mantDelta, scale } = st;
  for (let i = st.i; i < count; i++, o++) {
    if (i > 0) {
      const code = reader.ones(4);
      if (code === 4) {
        const hi = reader.read(32);
        rawWords[0] = reader.read(32);
        rawWords[1] = hi;
        tsDelta = raw[0] - ts;
        ts = raw[0];
      } else {
        if (code > 0) tsDelta += unzigzag(reader.read(code === 1 ? 7 : code === 2 ? 14 : 24));
        ts += tsDelta;
      }
    }
    timestamps[o] = ts;
    const code = reader.ones(9);
    if (code === 9) {
      words[2 * o + 1] = reader.read(32);
      words[2 * o] = reader.read(32);
      continue;
    }
    if (code === 8) {
      scale = reader.read(4);
      mant = unzigzag(reader.readWide(21));
      mantDelta = 0;
    } else {
      if (code > 0) mantDelta += unzigzag(reader.read(VALUE_BITS[code]));
      mant += mantDelta;
    }
    values[o] = mant / POW10[scale];
  }
  st.i = Math.max(st.i, count);
  st.pos = reader.pos;
  st.ts = ts;
  st.tsDelta = tsDelta;
  st.mant = mant;
  st.mantDelta = mantDelta;
  st.scale = scale;
  return o;
}
