/**
 * The furthest offset per file of the log batches that have left the spool, kept in one small
 * JSON file. It is rewritten (temp file, rename) before the spool deletes a batch's file, so
 * after a crash every line is either still in the spool or at or before an offset written
 * here: a restarted file source resumes after both and reads no line twice. The rename is not
 * fsync'ed: a process crash keeps it (the page cache survives), a power loss may lose the last
 * ones, which then costs duplicates, never loss.
 *
 * The file only bridges the moments between a source's last checkpoint (written at most once a
 * second while it runs) and a crash, so a restart honours only the offsets advanced within
 * {@link BRIDGE_MS} of the newest one. Older entries are already in the checkpoints or belong
 * to files long gone, which must not lend their offsets to a new file that merely starts with
 * the same bytes.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { logger } from "../../../shared/log/log.ts";

const log = logger("nats-sink");

/** Name of the file in the spool folder. */
export const DELIVERED_FILE = "log-delivered.json";

/** Files remembered at most; the least recently advanced are forgotten first. */
const MAX_FILES = 10_000;
/** How far before the newest entry an entry still counts at a restart. */
const BRIDGE_MS = 60_000;

interface Entry {
  offset: number;
  at: number;
}

/** Delivered offsets per file key, persisted on every advance. */
export class DeliveredOffsets {
  private readonly entries = new Map<string, Entry>();
  private loaded = false;

  constructor(
    private readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The offsets a restart should honour (reads the file once; missing or unreadable: none). */
  load(): ReadonlyMap<string, number> {
    if (!this.loaded) this.read();
    let newest = 0;
    for (const e of this.entries.values()) newest = Math.max(newest, e.at);
    const out = new Map<string, number>();
    for (const [key, e] of this.entries) if (e.at >= newest - BRIDGE_MS) out.set(key, e.offset);
    return out;
  }

  /** Records that the lines up to these offsets are delivered, and writes the file. */
  advance(offsets: ReadonlyMap<string, number>): void {
    if (!this.loaded) this.read();
    const at = this.now();
    for (const [key, offset] of offsets) {
      if ((this.entries.get(key)?.offset ?? -1) >= offset) continue;
      // Re-inserted so that the map's order is the order of last advance.
      this.entries.delete(key);
      this.entries.set(key, { offset, at });
    }
    for (const [key, e] of this.entries) {
      if (this.entries.size <= MAX_FILES && e.at >= at - BRIDGE_MS) break;
      this.entries.delete(key);
    }
    try {
      const tmp = `${this.path}.tmp`;
      const data: Record<string, [number, number]> = {};
      for (const [key, e] of this.entries) data[key] = [e.offset, e.at];
      writeFileSync(tmp, JSON.stringify(data));
      renameSync(tmp, this.path);
    } catch (err) {
      log.warn("Cannot write the delivered log offsets: lines may be sent twice after a crash", {
        file: this.path,
        error: String(err),
      });
    }
  }

  private read(): void {
    this.loaded = true;
    try {
      const data = JSON.parse(readFileSync(this.path, "utf8")) as Record<string, unknown>;
      for (const [key, value] of Object.entries(data)) {
        if (!Array.isArray(value)) continue;
        const [offset, at] = value;
        if (Number.isSafeInteger(offset) && offset >= 0 && Number.isFinite(at)) {
          this.entries.set(key, { offset, at });
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
  }
}
