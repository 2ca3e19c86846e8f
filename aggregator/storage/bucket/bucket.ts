/**
 * The object-storage seam: what the aggregator needs from a bucket (a local directory or an
 * S3-compatible service) and nothing more. Only this folder talks to a storage driver.
 */

/**
 * Object storage as the aggregator uses it. Keys are "/"-separated, no leading slash. A key is
 * never also the folder of other keys ("a" and "a/b"): a local directory cannot hold both.
 */
export interface Bucket {
  /** Where the objects live, for logs: "dir:/abs/path" or "s3://bucket/prefix @ endpoint". */
  readonly description: string;
  /** Stores `data` under `key`, replacing any object there; atomic and durable once resolved. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** Stores a copy of the local file `localPath` under `key`; the file is left in place. */
  putFile(key: string, localPath: string): Promise<void>;
  /** The object's bytes, or null when there is no object under `key`. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every key that starts with `prefix` (all pages), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Moves the object at `from` to `to`, replacing any object there; false (and nothing done)
   * when there is no object at `from`. A local directory renames (atomic); S3, which has no
   * rename, uploads `to` and then deletes `from`, so a crash between the two leaves both.
   * `localCopy`, a local file with the object's bytes, spares S3 the download.
   */
  move(from: string, to: string, localCopy?: string): Promise<boolean>;
  /** A local file with the object's bytes that DuckDB can read until `release()`. */
  openLocal(key: string): Promise<LocalFile>;
}

/** A local copy (or the file itself) of an object, held until released. */
export interface LocalFile {
  readonly path: string;
  /** Lets the file be evicted from a cache; calling it again does nothing. */
  release(): void;
}

/** Prefix of the names of files being written; never a valid key segment. */
export const TMP_MARK = ".tmp-";

/** An object is not in the bucket: deleted since a reader was told of it, or never there. */
export class ObjectMissingError extends Error {}

/**
 * True when `err`, or an error it wraps, says an object is not in the bucket: a dir bucket's
 * {@link ObjectMissingError}, or S3's `NoSuchKey`.
 */
export function isObjectMissing(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    if (e instanceof ObjectMissingError || (e as { code?: unknown }).code === "NoSuchKey")
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Throws a TypeError unless `key` is a valid object key: non-empty "/"-separated segments,
 * none of them "." or "..", none starting with the temporary-file mark, no NUL.
 */
export function checkKey(key: string): void {
  const reason = keyProblem(key, false);
  if (reason) throw new TypeError(`Cannot use object key "${key}": ${reason}`);
}

/** Like `checkKey()` for a list prefix, which may be empty or end with "/" or a partial segment. */
export function checkPrefix(prefix: string): void {
  if (prefix === "") return;
  const reason = keyProblem(prefix, true);
  if (reason) throw new TypeError(`Cannot use key prefix "${prefix}": ${reason}`);
}

function keyProblem(key: string, isPrefix: boolean): string | null {
  if (key === "") return "it is empty";
  if (key.startsWith("/")) return "it starts with /";
  if (key.includes("\0")) return "it contains a NUL character";
  const segments = key.split("/");
  // A prefix may end with "/" (an empty last segment) or with part of a name.
  const whole = isPrefix ? segments.length - 1 : segments.length;
  for (let i = 0; i < whole; i++) {
    const s = segments[i];
    if (s === "") return "it has an empty segment";
    if (s === "." || s === "..") return `it has a "${s}" segment`;
    if (s.startsWith(TMP_MARK)) return `segments starting with "${TMP_MARK}" are reserved`;
  }
  return null;
}
