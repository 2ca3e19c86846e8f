/**
 * The furthest offset per file of the log batches that have left the spool, kept in one small
 * JSON file. It is rewritten (temp file, rename) before the spool deletes a batch's file, so
 * after a crash every line is either still in the spool or at or before an offset written
 * here: a restarted file source resumes after both and reads no line twice. The rename is not
 * fsync'ed: a process crash keeps it (the page cache survives), a power loss may lose the last
 * ones, which then costs duplicates, never loss.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { logger } from "../../../shared/log/log.ts";

const log = logger("nats-sink");

/** Name of the file in the spool folder. */
export const DELIVERED_FILE = "log-delivered.json";

/** Files remembered at most; the least recently advanced are forgotten first. */
const MAX_FILES = 10_000;

/** Delivered offsets per file key, persisted on every advance. */
export class DeliveredOffsets {
  private readonly offsets = new Map<string, number>();
  private loaded = false;

  constructor(private readonly path: string) {}

  /** Reads the file (once); a missing or unreadable file is an empty map. */
  load(): ReadonlyMap<string, number> {
    if (this.loaded) return this.offsets;
    this.loaded = true;
    try {
      const data = JSON.parse(readFileSync(this.path, "utf8")) as Record<string, unknown>;
      for (const [key, offset] of Object.entries(data)) {
        if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) {
          this.offsets.set(key, offset);
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        log.warn(
          "Cannot read the delivered log offsets: lines may be sent twice after this start",
          {
            file: this.path,
            error: String(err),
          },
        );
      }
    }
    return this.offsets;
  }

  /** Records that the lines up to these offsets are delivered, and writes the file. */
  advance(offsets: ReadonlyMap<string, number>): void {
    this.load();
    for (const [key, offset] of offsets) {
      if ((this.offsets.get(key) ?? -1) >= offset) continue;
      // Re-inserted so that the map's order is the order of last advance.
      this.offsets.delete(key);
      this.offsets.set(key, offset);
    }
    for (const key of this.offsets.keys()) {
      if (this.offsets.size <= MAX_FILES) break;
      this.offsets.delete(key);
    }
    try {
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.offsets)));
      renameSync(tmp, this.path);
    } catch (err) {
      log.warn("Cannot write the delivered log offsets: lines may be sent twice after a crash", {
        file: this.path,
        error: String(err),
      });
    }
  }
}
