/**
 * Change notifications for the journal's folders, so the journal source can stop journalctl
 * while the journal is quiet and start it again when journald writes. journald writes its
 * files through mmap, which inotify does not see, and so truncates each file to its own size
 * after a write for the very purpose of raising IN_MODIFY (systemd's journal-file.c,
 * `journal_file_post_change`): a watch on the folder hears every write, ~250 ms after it.
 * Events only say when to look again: the source always resumes after its last cursor, so a
 * change missed costs time, never entries.
 */
import { existsSync, type FSWatcher, readdirSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";
import type { JournalConfig } from "./config.ts";

const ROOTS = ["/var/log/journal", "/run/log/journal"];

/**
 * The folders journalctl reads for `config` (with their parents, where a journal folder made
 * later appears), or null when they cannot be known (no machine id).
 */
export function journalFolders(
  config: Pick<JournalConfig, "namespace" | "directory">,
  machineId: string | null,
): string[] | null {
  if (config.directory) {
    const subdirs = readdirSync(config.directory, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(config.directory as string, d.name));
    return [config.directory, ...subdirs];
  }
  if (machineId === null) return null;
  const name = config.namespace ? `${machineId}.${config.namespace}` : machineId;
  return [...ROOTS.map((root) => join(root, name)), ...ROOTS];
}

/** This machine's id (/etc/machine-id), which names its journal folders; null if unreadable. */
export function machineId(): string | null {
  try {
    const id = readFileSync("/etc/machine-id", "utf8").trim();
    return /^[0-9a-f]{32}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** Watches of the journal's folders; `changed` settles at the first event after opening. */
export class JournalWatch {
  private readonly watchers: FSWatcher[] = [];
  private notify: (() => void) | null = null;
  /** Settles at the first change heard, or when the watch is closed. */
  readonly changed: Promise<void>;

  private constructor() {
    this.changed = new Promise((resolve) => {
      this.notify = resolve;
    });
  }

  /**
   * Watches every existing folder of `folders`; null when none exists or one that exists
   * cannot be watched (inotify's limit, a filesystem without it): then the source keeps
   * journalctl running, as it would without resting.
   */
  static open(folders: readonly string[]): JournalWatch | null {
    const w = new JournalWatch();
    for (const dir of folders) {
      if (!existsSync(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => w.settle());
        watcher.on("error", () => w.settle());
        w.watchers.push(watcher);
      } catch {
        w.close();
        return null;
      }
    }
    if (w.watchers.length === 0) return null;
    return w;
  }

  /** Stops every watch (and settles `changed`, so nothing waits on a closed watch). */
  close(): void {
    for (const w of this.watchers.splice(0)) w.close();
    this.settle();
  }

  private settle(): void {
    const n = this.notify;
    this.notify = null;
    n?.();
  }
}
