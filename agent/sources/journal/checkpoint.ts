/**
 * The journal source's checkpoint: the cursor of the last entry the sink acknowledged, in one
 * small JSON file replaced atomically (as the file source's checkpoints are).
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Path of source `id`'s cursor file in `dataDir`. */
export function cursorPath(dataDir: string, id: string): string {
  return join(dataDir, `journal-cursor-${id.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
}

/** The stored cursor, or null on a first start; throws `Cannot read…` for a damaged file. */
export async function loadCursor(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot read journal cursor "${path}": ${(err as Error).message}`);
  }
  const cursor = (doc as { cursor?: unknown } | null)?.cursor;
  if (typeof cursor !== "string" || cursor.length > 4096)
    throw new SyntaxError(`Cannot read journal cursor "${path}": expected {"cursor": "..."}`);
  return cursor;
}

/** Replaces the cursor file: temporary file, fsync, rename. */
export async function saveCursor(path: string, cursor: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(`${JSON.stringify({ cursor })}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
