/**
 * What makes a file the same file: device and inode, plus a hash of its first bytes so that a
 * reused inode or a file rewritten in place (copytruncate) is told apart, and so that a copy
 * made by a rotation can be recognised as the continuation of a file being read.
 */
import type { FileHandle } from "node:fs/promises";

/** Hash of a file's first `len` bytes (fewer than configured while the file is shorter). */
export interface Fingerprint {
  readonly len: number;
  readonly hash: string;
}

/** A file as one glob pass saw it. */
export interface FileInfo {
  readonly path: string;
  readonly dev: string;
  readonly ino: string;
  readonly size: number;
  /** Modification time in ns (rounded to a double: enough to see a change). */
  readonly mtimeNs: number;
}

/** An open file and the inode it was opened on. */
export interface OpenFile {
  readonly fh: FileHandle;
  readonly dev: string;
  readonly ino: string;
  path: string;
}

/** Hashes bytes with xxHash64, as 16 hex digits. */
export function hashBytes(bytes: Uint8Array): string {
  return Bun.hash.xxHash64(bytes).toString(16).padStart(16, "0");
}

/** The fingerprint of a file whose leading bytes (up to the configured count) are `prefix`. */
export function fingerprintOf(prefix: Uint8Array): Fingerprint {
  return { len: prefix.length, hash: hashBytes(prefix) };
}

/** Whether a file starting with `prefix` has the bytes `fp` was taken of. */
export function prefixMatches(prefix: Uint8Array, fp: Fingerprint): boolean {
  if (prefix.length < fp.len) return false;
  return hashBytes(prefix.subarray(0, fp.len)) === fp.hash;
}

/** Reads up to `max` leading bytes of an open file. */
export async function readPrefix(fh: FileHandle, max: number): Promise<Uint8Array> {
  const buf = new Uint8Array(max);
  let got = 0;
  while (got < max) {
    const { bytesRead } = await fh.read(buf, got, max - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The map key of an inode. */
export function inodeKey(dev: string, ino: string): string {
  return `${dev}:${ino}`;
}

/**
 * The key a file's records carry to the sink and its checkpoint is stored under: the inode and
 * fingerprint it was first read with, and the source id so that two sources reading one file
 * keep apart. It never changes while the file is read, even as its fingerprint grows.
 */
export function fileKey(dev: string, ino: string, fp: Fingerprint, sourceId: string): string {
  return `${dev}:${ino}:${fp.len}:${fp.hash}@${sourceId}`;
}

/** The parts of a key made by {@link fileKey}, or null for a key of another shape. */
export function parseFileKey(
  key: string,
): { dev: string; ino: string; fp: Fingerprint; sourceId: string } | null {
  const m = /^(\d+):(\d+):(\d+):([0-9a-f]{16})@(.*)$/s.exec(key);
  if (m === null) return null;
  return { dev: m[1], ino: m[2], fp: { len: Number(m[3]), hash: m[4] }, sourceId: m[5] };
}

/** Reads device, inode, size and mtime of an open file. */
export async function statOpen(fh: FileHandle, path: string): Promise<FileInfo> {
  const st = await fh.stat({ bigint: true });
  return infoOf(path, st);
}

/** Builds a FileInfo from a bigint stat (inodes can pass 2^53). */
export function infoOf(
  path: string,
  st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint },
): FileInfo {
  return {
    path,
    dev: st.dev.toString(),
    ino: st.ino.toString(),
    size: Number(st.size),
    mtimeNs: Number(st.mtimeNs),
  };
}
