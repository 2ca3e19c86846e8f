/**
 * `rule_files:` as Prometheus reads it: each glob relative to the config file's directory,
 * matches in lexical order, a file named twice loaded once, a glob matching nothing silently
 * empty. Each file stands alone: a bad one is reported and the others' groups still load.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { ConfigProblem } from "../../shared/config/errors.ts";
import { goGlob } from "../../shared/config/go_glob.ts";
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

/** The glob syntax characters of Go's filepath.Match. */
const META = /[*?[\\]/;

/**
 * Go's filepath.Glob, as Prometheus expands `rule_files`: `{a,b}` and `**` are no syntax, and a
 * directory the glob matches is a file it fails to read, as in Prometheus ("is a directory").
 */
async function matches(pattern: string): Promise<string[]> {
  return goGlob(pattern).map((file) => resolve(file));
}
