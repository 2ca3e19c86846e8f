/**
 * Forged batch payloads, as an adversary (or a broken disk) would send them: lying size
 * prefixes, compression bombs, garbage and mutated bytes. Built at test time in a few
 * milliseconds, without holding the bombs' output in memory.
 */
import { readFileSync } from "node:fs";
import { compress } from "../../shared/codec/compress.ts";

/** zstd's frame magic number, little-endian. */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** zstd's largest block: 128 KiB. */
const ZSTD_BLOCK = 128 * 1024;

/**
 * A zstd frame of `bytes` zeros written as RLE blocks (4 bytes per 128 KiB: 2 GiB is a 64 KiB
 * frame). With `declared`, the header states that content size (honestly or not); without,
 * it states none, as a streaming compressor writes it.
 */
export function zstdBomb(bytes: number, declared?: number): Uint8Array {
  const head =
    declared === undefined
      ? [...ZSTD_MAGIC, 0x00, 0x38] // no content size; window 128 KiB
      : [...ZSTD_MAGIC, 0xc0, 0x38, ...u64le(declared)]; // 8-byte content size
  const blocks = Math.max(1, Math.ceil(bytes / ZSTD_BLOCK));
  const out = new Uint8Array(head.length + blocks * 4);
  out.set(head);
  for (let i = 0; i < blocks; i++) {
    const size = Math.min(ZSTD_BLOCK, bytes - i * ZSTD_BLOCK);
    // Block header: last-block bit, type 1 (RLE), size; then the one byte repeated.
    const h = (size << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    const at = head.length + i * 4;
    out[at] = h & 0xff;
    out[at + 1] = (h >> 8) & 0xff;
    out[at + 2] = (h >> 16) & 0xff;
    out[at + 3] = 0;
  }
  return out;
}

function u64le(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  return out;
}

/** A copy of an lz4 payload with its uncompressed-size prefix replaced by `claimed`. */
export function withLz4Prefix(payload: Uint8Array, claimed: number): Uint8Array {
  const out = copy(payload);
  new DataView(out.buffer).setUint32(0, claimed, true);
  return out;
}

/** A copy in a buffer of its own (a Buffer's `slice()` would share the bytes). */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** A real lz4 payload of `bytes` zeros (LZ4 reaches ~250:1 on them: 64 MiB is ~260 KB). */
export function lz4Bomb(bytes: number): Uint8Array {
  return compress("lz4", new Uint8Array(bytes));
}

/** `n` bytes drawn from `rand` (a seeded generator, see random.ts). */
export function randomBytes(n: number, rand: () => number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

/** A copy of `payload` with 1 to 4 random bytes changed to other random values. */
export function mutate(payload: Uint8Array, rand: () => number): Uint8Array {
  const out = copy(payload);
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    out[Math.floor(rand() * out.length)] ^= 1 + Math.floor(rand() * 255);
  }
  return out;
}

/** The peak resident memory so far (`VmHWM`) of a process (this one by default), in bytes. */
export function peakRss(pid: number | "self" = "self"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!m) throw new Error(`Cannot read the peak RSS of ${pid}: no VmHWM in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
