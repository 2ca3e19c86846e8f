/**
 * Which of a service's log files the `logs` section already tails: a service brings its log
 * (nginx's access log, memcached's, …), and a user who listed the same file under `logs` would
 * otherwise ship every line twice. The user's entry wins: it is what they configured.
 */
import type { LogSourceConfig } from "./config/logs.ts";

/** A service's source with the files the `logs` section tails taken out. */
export interface Overlap<T extends LogSourceConfig> {
  /** The sources left to tail, without the files already tailed; a source left with none is dropped. */
  kept: T[];
  /** Each file left out, with the `logs` entry that tails it. */
  skipped: { file: string; by: string }[];
}

/** Glob characters: a service's include with one is a pattern, not a file, and is kept as is. */
const GLOB = /[*?[\]{}]/;

/** Matches files against the `logs` section's includes and excludes. */
export class ConfiguredFiles {
  private readonly entries: { name: string; include: Bun.Glob[]; exclude: Bun.Glob[] }[];

  constructor(sources: readonly LogSourceConfig[]) {
    this.entries = sources.map((s) => ({
      name: s.name,
      include: s.include.map((p) => new Bun.Glob(p)),
      exclude: s.exclude.map((p) => new Bun.Glob(p)),
    }));
  }

  /** The name of the `logs` entry that tails `file`, or null. */
  private tailedBy(file: string): string | null {
    for (const e of this.entries)
      if (e.include.some((g) => g.match(file)) && !e.exclude.some((g) => g.match(file)))
        return e.name;
    return null;
  }

  /** `sources` without the files an entry of the `logs` section tails. */
  without<T extends LogSourceConfig>(sources: readonly T[]): Overlap<T> {
    const skipped: { file: string; by: string }[] = [];
    const kept: T[] = [];
    for (const s of sources) {
      const include = s.include.filter((file) => {
        const by = GLOB.test(file) ? null : this.tailedBy(file);
        if (by !== null) skipped.push({ file, by });
        return by === null;
      });
      if (include.length === s.include.length) kept.push(s);
      else if (include.length > 0) kept.push({ ...s, include });
    }
    return { kept, skipped };
  }
}
