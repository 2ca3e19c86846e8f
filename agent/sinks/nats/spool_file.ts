/**
 * The on-disk format of one spooled batch. Little-endian, a 28-byte header then the body:
 *
 *   0 magic "OSPL" | 4 crc32 of bytes [8, payload) | 8 version u16 | 10 msgId length u16
 *   12 subject length u16 | 14 reserved u16 | 16 headers length u32 | 20 payload length u32
 *   24 crc32 of payload | 28 msgId, subject, headers (JSON), payload
 *
 * The header and the payload have separate checksums so that opening a large spool reads
 * only the heads of its files; the payload is checked when it is read for publishing.
 */

import { open } from "node:fs/promises";

/** A sealed, compressed batch as the batcher hands it over. */
export interface Batch {
  msgId: string;
  subject: string;
  headers: Record<string, string>;
  payload: Uint8Array;
}

/** What a file's header says about its batch. */
export interface BatchHead {
  readonly msgId: string;
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes of the whole file. */
  readonly size: number;
  readonly payloadOffset: number;
  readonly payloadCrc: number;
}

const MAGIC = 0x4c50534f; // "OSPL" read as a little-endian u32
const VERSION = 1;
const HEAD = 28;
const FIRST_READ = 4096;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Encodes a batch as the complete contents of its spool file. */
export function encodeBatchFile(b: Batch): Uint8Array {
  const id = encoder.encode(b.msgId);
  const subject = encoder.encode(b.subject);
  const headers = encoder.encode(JSON.stringify(b.headers));
  if (id.length > 0xffff || subject.length > 0xffff) {
    throw new RangeError(`Cannot spool batch "${b.msgId}": its id or subject is over 65535 bytes`);
  }
  const meta = id.length + subject.length + headers.length;
  const out = new Uint8Array(HEAD + meta + b.payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint16(8, VERSION, true);
  v.setUint16(10, id.length, true);
  v.setUint16(12, subject.length, true);
  v.setUint32(16, headers.length, true);
  v.setUint32(20, b.payload.length, true);
  v.setUint32(24, Bun.hash.crc32(b.payload), true);
  out.set(id, HEAD);
  out.set(subject, HEAD + id.length);
  out.set(headers, HEAD + id.length + subject.length);
  out.set(b.payload, HEAD + meta);
  v.setUint32(4, Bun.hash.crc32(out.subarray(8, HEAD + meta)), true);
  return out;
}

/** Reads and checks a file's header (not its payload); throws an Error naming the damage. */
export async function readBatchHead(path: string): Promise<BatchHead> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    let buf = new Uint8Array(Math.min(size, FIRST_READ));
    await fh.read(buf, 0, buf.length, 0);
    const need = HEAD + metaLength(buf);
    if (need > buf.length && need <= size) {
      buf = new Uint8Array(need);
      await fh.read(buf, 0, need, 0);
    }
    return parseBatchHead(buf, size);
  } finally {
    await fh.close();
  }
}

/** Decodes and checks the header at the start of `buf`, for a file of `size` bytes. */
export function parseBatchHead(buf: Uint8Array, size: number): BatchHead {
  if (buf.length < HEAD) throw new Error(`file is ${size} bytes, shorter than a header`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (v.getUint32(0, true) !== MAGIC) throw new Error("bad magic number");
  if (v.getUint16(8, true) !== VERSION) throw new Error(`unknown version ${v.getUint16(8, true)}`);
  const idLen = v.getUint16(10, true);
  const subjectLen = v.getUint16(12, true);
  const payloadOffset = HEAD + metaLength(buf);
  if (payloadOffset > buf.length) throw new Error("header is truncated");
  if (Bun.hash.crc32(buf.subarray(8, payloadOffset)) !== v.getUint32(4, true)) {
    throw new Error("header checksum mismatch");
  }
  const expected = payloadOffset + v.getUint32(20, true);
  if (expected !== size) throw new Error(`file is ${size} bytes, its header says ${expected}`);
  const text = (from: number, to: number) => decoder.decode(buf.subarray(from, to));
  const headers: unknown = JSON.parse(text(HEAD + idLen + subjectLen, payloadOffset));
  if (!isStringMap(headers)) throw new Error("headers are not a map of strings");
  return {
    msgId: text(HEAD, HEAD + idLen),
    subject: text(HEAD + idLen, HEAD + idLen + subjectLen),
    headers,
    size,
    payloadOffset,
    payloadCrc: v.getUint32(24, true),
  };
}

/** Returns the payload of a whole file if it matches its header, otherwise null. */
export function checkedPayload(file: Uint8Array, head: BatchHead): Uint8Array | null {
  if (file.length !== head.size) return null;
  const payload = file.subarray(head.payloadOffset);
  return Bun.hash.crc32(payload) === head.payloadCrc ? payload : null;
}

function metaLength(buf: Uint8Array): number {
  if (buf.length < HEAD) return 0;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return v.getUint16(10, true) + v.getUint16(12, true) + v.getUint32(16, true);
}

function isStringMap(v: unknown): v is Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === "string");
}
