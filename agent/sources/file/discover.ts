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

/** Finds the files the globs select, each once, with device, inode and size. */
export class Discovery {
  private readonly roots: GlobRoot[];
  private readonly excludes: Bun.Glob[];

  /** `onError` hears of folders that cannot be read (a missing one is not an error: it may come). */
  constructor(
    include: readonly string[],
    exclude: readonly string[],
    private readonly onError: (message: string) => void,
  ) {
    this.roots = include.map(splitPattern);
    this.excludes = exclude.map((p) => new Bun.Glob(p));
  }

  /** The selected paths, sorted. */
  async paths(): Promise<string[]> {
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
    return [...found].sort();
  }

  /** Stats every selected file; files that vanished in between are left out. */
  async files(): Promise<FileInfo[]> {
    const paths = await this.paths();
    const infos = await Promise.all(paths.map((p) => statPath(p, this.onError)));
    return infos.filter((i): i is FileInfo => i !== null);
  }

  private excluded(path: string): boolean {
    for (const g of this.excludes) if (g.match(path)) return true;
    return false;
  }
}

async function statPath(
  path: string,
  onError: (message: string) => void,
): Promise<FileInfo | null> {
  try {
    const st = await stat(path, { bigint: true });
    return st.isFile() ? infoOf(path, st) : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
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
