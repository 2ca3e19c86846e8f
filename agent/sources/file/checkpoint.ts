/**
 * The file source's checkpoints: one JSON file per source in the data directory, holding per
 * file key where reading may resume. It is replaced atomically (write a temporary file, fsync,
 * rename, fsync the folder) so a crash leaves either the old or the new version.
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Where one file may be resumed. */
export interface CheckpointEntry {
  /** The key the file's records carry to the sink (identity.ts fileKey). */
  readonly key: string;
  /** Where the file was last seen. */
  readonly path: string;
  /** The `filename` label of its records: the path it was first read under. */
  readonly filename: string;
  readonly dev: string;
  readonly ino: string;
  /** Bytes the fingerprint was taken of, and their hash. */
  readonly fp_len: number;
  readonly fp: string;
  /** Everything before this offset has been acknowledged by the sink. */
  readonly offset: number;
}

const VERSION = 1;

/** Path of the checkpoint file of source `id` in `dataDir`. */
export function checkpointPath(dataDir: string, id: string): string {
  return join(dataDir, `file-checkpoints-${id.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
}

/** Reads and writes one source's checkpoint file. */
export class CheckpointStore {
  constructor(readonly path: string) {}

  /** The stored entries, or null when there is no checkpoint file yet (the first start). */
  async load(): Promise<CheckpointEntry[] | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    return parseCheckpoints(text, this.path);
  }

  /** Replaces the checkpoint file with `entries`. */
  async save(entries: readonly CheckpointEntry[]): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(`${JSON.stringify({ version: VERSION, files: entries }, null, 1)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    await syncDir(dir);
  }
}

/** Parses a checkpoint file's text; throws a SyntaxError naming the file when it is damaged. */
export function parseCheckpoints(text: string, path: string): CheckpointEntry[] {
  const fail = (reason: string) =>
    new SyntaxError(`Cannot read file checkpoints "${path}": ${reason}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const files = (doc as { version?: unknown; files?: unknown } | null)?.files;
  if ((doc as { version?: unknown }).version !== VERSION || !Array.isArray(files)) {
    throw fail(`expected {"version": ${VERSION}, "files": [...]}`);
  }
  return files.map((f, i) => {
    if (!isEntry(f)) throw fail(`entry ${i} is malformed`);
    return f;
  });
}

function isEntry(v: unknown): v is CheckpointEntry {
  const e = v as Record<string, unknown>;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.key === "string" &&
    typeof e.path === "string" &&
    typeof e.filename === "string" &&
    typeof e.dev === "string" &&
    typeof e.ino === "string" &&
    Number.isSafeInteger(e.fp_len) &&
    typeof e.fp === "string" &&
    Number.isSafeInteger(e.offset) &&
    (e.offset as number) >= 0
  );
}

/** Makes a rename durable; some file systems refuse to open a folder for this, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // Best effort: the rename itself is atomic either way.
  } finally {
    await fh?.close();
  }
}
