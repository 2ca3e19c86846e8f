/**
 * The notification template files an alertmanager.yml names under `templates`: the files its
 * globs match (integrations/templates.ts parses them into the set notifications render with).
 */
import { goGlob } from "../../shared/config/go_glob.ts";

/**
 * The paths `globs` match (absolute globs, as the config loader resolves them), read as
 * Alertmanager's Go reads them: glob by glob, each one's matches in byte order, a path named
 * twice kept once. Directories are included, as Go includes them (reading one then fails).
 * Throws SyntaxError("syntax error in pattern") for a malformed glob.
 */
export async function templateFiles(globs: readonly string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const pattern of globs) for (const f of goGlob(pattern)) files.add(f);
  return [...files];
}
