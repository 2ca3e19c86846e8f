/**
 * Expands the include globs into the files to read, minus the excluded ones. Each pattern is
 * scanned from its longest literal folder, so `/var/log/app/*.log` reads one folder rather than
 * walking from `/`. Symlinks are followed: Kubernetes' /var/log/containers holds only links.
 */
import { stat } from "node:fs/promises";
import { type FileInfo, infoOf, inodeKey } from "./identity.ts";

const GLOB_CHARS = /[*?[\]{}]/;

/** A pattern split into the folder to scan from and the glob relative to it. */
export interface GlobRoot {
  readonly cwd: string;
  readonly glob: Bun.Glob;
}

/** Splits an absolute pattern at its first segment holding a glob character. */
export function splitPattern(pattern: string): GlobRoot {
  const parts = pattern.split("/");
  let i = 0;
  while (i < parts.length - 1 && !GLOB_CHARS.test(parts[i])) i++;
  const cwd = parts.slice(0, i).join("/") || "/";
  return { cwd, glob: new Bun.Glob(parts.slice(i).join("/")) };
}

/** A pattern that names one file: nothing a glob would read as special, not even an escape. */
const LITERAL = /^[^*?[\]{}\\]+$/;

/** Options of a {@link Discovery}. */
export interface DiscoveryOptions {
  /**
   * Stats a pattern with no glob character (an integration's log file) instead of listing its
   * folder: one system call a poll rather than a folder read and a stat. Default on; off is
   * the reference discover.test.ts holds it to.
   */
  literalPaths?: boolean;
}

/** Finds the files the globs select, each once, with device, inode and size. */
export class Discovery {
  private readonly roots: GlobRoot[];
  private readonly literals: string[];
  private readonly excludes: Bun.Glob[];

  /** `onError` hears of folders that cannot be read (a missing one is not an error: it may come). */
  constructor(
    include: readonly string[],
    exclude: readonly string[],
    private readonly onError: (message: string) => void,
    opts: DiscoveryOptions = {},
  ) {
    const literal = (p: string) => (opts.literalPaths ?? true) && LITERAL.test(p);
    this.literals = include.filter(literal);
    this.roots = include.filter((p) => !literal(p)).map(splitPattern);
    this.excludes = exclude.map((p) => new Bun.Glob(p));
  }

  /** The selected paths, sorted. */
  async paths(): Promise<string[]> {
    return (await this.files()).map((f) => f.path);
  }

  /** Stats every selected file, sorted by path; files that vanished in between are left out. */
  async files(): Promise<FileInfo[]> {
    const scanned = await this.scan();
    const infos = await Promise.all([...scanned].map((p) => statPath(p, this.onError)));
    for (const path of this.literals)
      if (!scanned.has(path) && !this.excluded(path))
        infos.push(await statPath(path, this.onError, LITERAL_SILENT));
    return infos
      .filter((i): i is FileInfo => i !== null)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The paths the glob patterns select, minus the excluded ones. */
  private async scan(): Promise<Set<string>> {
    const found = new Set<string>();
    for (const root of this.roots) {
      try {
        for await (const path of root.glob.scan({
          cwd: root.cwd,
          absolute: true,
          onlyFiles: true,
          followSymlinks: true,
        })) {
          if (!this.excluded(path)) found.add(path);
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR") {
          this.onError(`Cannot list files under "${root.cwd}": ${(error as Error).message}`);
        }
      }
    }
    return found;
  }

  private excluded(path: string): boolean {
    for (const g of this.excludes) if (g.match(path)) return true;
    return false;
  }
}

/** A literal path's folder may be missing or a file, as a glob's folder may: not an error. */
const LITERAL_SILENT = ["ENOENT", "ENOTDIR"];

async function statPath(
  path: string,
  onError: (message: string) => void,
  silent: readonly string[] = ["ENOENT"],
): Promise<FileInfo | null> {
  try {
    const st = await stat(path, { bigint: true });
    return st.isFile() ? infoOf(path, st) : null;
  } catch (error) {
    if (!silent.includes((error as NodeJS.ErrnoException).code ?? "")) {
      onError(`Cannot stat "${path}": ${(error as Error).message}`);
    }
    return null;
  }
}

/** The files by inode; of several paths to one inode (links), `preferred(inode)` wins. */
export function byInode(
  files: readonly FileInfo[],
  preferred: (inode: string) => string | undefined,
): Map<string, FileInfo> {
  const out = new Map<string, FileInfo>();
  for (const f of files) {
    const inode = inodeKey(f.dev, f.ino);
    if (!out.has(inode) || preferred(inode) === f.path) out.set(inode, f);
  }
  return out;
}
