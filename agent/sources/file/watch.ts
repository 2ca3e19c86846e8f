/**
 * Change notifications for a file source's folders (inotify through `fs.watch`), so a source
 * with nothing to do stops passing over its files until something in them changes. They are
 * only a hint: every change is still found by the same pass the polling source runs (list,
 * stat, read), an event merely says when to run it. A source is "covered" only when every
 * folder where a change could appear is watched: each include pattern's folder (patterns with
 * a `/` or `**` after their first glob character span folders no single watch sees, so such a
 * source keeps polling), and the real folder of every file read through a symbolic link
 * (Kubernetes' /var/log/containers: writes land beside the link's target, not the link).
 */
import { type FSWatcher, watch } from "node:fs";
import { realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { splitPattern } from "./discover.ts";

const LITERAL = /^[^*?[\]{}\\]+$/;

/** One folder a pattern's files live in, and which names in it the pattern selects. */
interface PatternFolder {
  readonly dir: string;
  readonly matches: (name: string) => boolean;
}

/** The folder of each pattern, or null when a pattern spans folders. */
function patternFolders(include: readonly string[]): PatternFolder[] | null {
  const out: PatternFolder[] = [];
  for (const pattern of include) {
    if (LITERAL.test(pattern)) {
      const name = basename(pattern);
      out.push({ dir: dirname(pattern), matches: (n) => n === name });
      continue;
    }
    const { cwd, glob } = splitPattern(pattern);
    const rest = pattern.slice(cwd === "/" ? 1 : cwd.length + 1);
    if (rest.includes("/") || rest.includes("**")) return null;
    out.push({ dir: cwd, matches: (n) => glob.match(n) });
  }
  return out;
}

/** Watches a source's folders and calls `onChange` for changes to the files it may read. */
export class FolderWatch {
  private readonly patterns: PatternFolder[] | null;
  private readonly watchers = new Map<string, FSWatcher>();
  /** Real path of each file read, by the path the globs found it at. */
  private readonly real = new Map<string, string>();
  /** The real paths, for events from the folders of link targets. */
  private readonly realPaths = new Set<string>();

  constructor(
    include: readonly string[],
    private readonly onChange: () => void,
  ) {
    this.patterns = patternFolders(include);
  }

  /**
   * True when every folder a change could appear in is watched. False for patterns that span
   * folders, a folder that does not exist (yet), or one the kernel would not watch (inotify's
   * limit reached, a filesystem without it).
   */
  get covered(): boolean {
    if (this.patterns === null) return false;
    for (const p of this.patterns) if (!this.watchers.has(p.dir)) return false;
    for (const r of this.real.values()) if (!this.watchers.has(dirname(r))) return false;
    return true;
  }

  /** Watches the patterns' folders and those of `paths` (the files read), dropping the rest. */
  async update(paths: readonly string[]): Promise<void> {
    if (this.patterns === null) return;
    const wanted = new Set(this.patterns.map((p) => p.dir));
    const current = new Set(paths);
    for (const path of this.real.keys()) if (!current.has(path)) this.real.delete(path);
    for (const path of paths) {
      if (!this.real.has(path)) {
        const r = await realpath(path).catch(() => null);
        // A file gone before it could be resolved is read to its end without a watch on it.
        if (r === null) continue;
        this.real.set(path, r);
      }
    }
    this.realPaths.clear();
    for (const [path, r] of this.real) {
      if (r === path) continue;
      this.realPaths.add(r);
      wanted.add(dirname(r));
    }
    for (const [dir, w] of this.watchers)
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    for (const dir of wanted) if (!this.watchers.has(dir)) this.open(dir);
  }

  /** Stops every watch. */
  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private open(dir: string): void {
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: false }, (_type, name) => this.event(dir, name));
    } catch {
      // Not watched: `covered` stays false and the source polls, as without watching.
      return;
    }
    const drop = () => {
      if (this.watchers.get(dir) === w) this.watchers.delete(dir);
      w.close();
    };
    w.on("error", drop);
    w.on("close", drop);
    this.watchers.set(dir, w);
  }

  private event(dir: string, name: string | Buffer | null): void {
    if (this.concerns(dir, name)) this.onChange();
  }

  /** Whether a change to `name` in `dir` may be one to a file the source reads (or will). */
  private concerns(dir: string, name: string | Buffer | null): boolean {
    if (name === null) return true;
    const n = String(name);
    if (this.patterns?.some((p) => p.dir === dir && p.matches(n))) return true;
    const path = join(dir, n);
    return this.realPaths.has(path) || this.real.has(path);
  }
}
