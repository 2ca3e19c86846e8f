/**
 * The notification template files an alertmanager.yml names under `templates`: the files its
 * globs match (integrations/templates.ts parses them into the set notifications render with).
 */

/** The files `globs` match (absolute globs, as the config loader resolves them), sorted. */
export async function templateFiles(globs: readonly string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const pattern of globs) {
    for await (const f of new Bun.Glob(pattern).scan({ absolute: true, onlyFiles: true })) {
      files.add(f);
    }
  }
  return [...files].sort();
}
