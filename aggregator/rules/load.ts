/**
 * `rule_files:` as Prometheus reads it: each glob relative to the config file's directory,
 * matches in lexical order, a file named twice loaded once, a glob matching nothing silently
 * empty. Each file stands alone: a bad one is reported and the others' groups still load.
 */
import { isAbsolute, join, resolve, sep } from "node:path";
import type { ConfigProblem } from "../../shared/config/errors.ts";
import { type RuleFileResult, readRuleFile } from "./file.ts";
import type { RuleFileOptions, RuleGroup } from "./model.ts";

/** Every rule file the globs found, loaded. */
export interface LoadedRules {
  /** One entry per file found, in the order the globs and their matches come. */
  readonly files: readonly RuleFileResult[];
  /** The groups without problems of every file, in that order. */
  readonly groups: readonly RuleGroup[];
  /** Every problem of every file. */
  readonly problems: readonly ConfigProblem[];
}

/** Finds the files `globs` match under `baseDir` and loads each; never throws for a bad file. */
export async function loadRuleFiles(
  globs: readonly string[],
  baseDir: string,
  options: RuleFileOptions = {},
): Promise<LoadedRules> {
  const files = await expandRuleGlobs(globs, baseDir);
  const results = await Promise.all(files.map((file) => readRuleFile(file, options)));
  return {
    files: results,
    groups: results.flatMap((r) => r.groups),
    problems: results.flatMap((r) => r.problems),
  };
}

/** The files rule globs name: absolute paths, each glob's matches sorted, duplicates dropped. */
export async function expandRuleGlobs(
  globs: readonly string[],
  baseDir: string,
): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of globs) {
    const pattern = isAbsolute(glob) ? glob : join(baseDir, glob);
    for (const file of await matches(pattern)) found.add(file);
  }
  return [...found];
}

/**
 * The entries of `globs` that name one file (no glob syntax) which does not exist: Prometheus
 * skips them, `promtool check config` refuses them ("does not point to an existing file").
 */
export async function missingRuleFiles(
  globs: readonly string[],
  baseDir: string,
): Promise<string[]> {
  const missing: string[] = [];
  for (const glob of globs) {
    if (META.test(glob)) continue;
    const path = isAbsolute(glob) ? glob : join(baseDir, glob);
    if (!(await Bun.file(path).exists())) missing.push(glob);
  }
  return missing;
}

/** The glob syntax characters of Go's filepath.Match (Bun's glob also reads `{a,b}` and `**`). */
const META = /[*?[\\{]/;

async function matches(pattern: string): Promise<string[]> {
  const parts = pattern.split(sep);
  const firstGlob = parts.findIndex((part) => META.test(part));
  if (firstGlob === -1) return (await Bun.file(pattern).exists()) ? [resolve(pattern)] : [];
  const cwd = parts.slice(0, firstGlob).join(sep) || sep;
  const rest = parts.slice(firstGlob).join("/");
  const out: string[] = [];
  try {
    for await (const file of new Bun.Glob(rest).scan({
      cwd,
      absolute: true,
      onlyFiles: true,
      dot: true,
    })) {
      out.push(file);
    }
  } catch (error) {
    // A directory that does not exist matches nothing, as for filepath.Glob.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return out.sort();
}
