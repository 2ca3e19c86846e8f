/**
 * The notification template files an alertmanager.yml names under `templates`: every file the
 * globs match, parsed into one template set with Alertmanager's functions, each file under its
 * base name as Alertmanager names it (so errors read `template: slack.tmpl:3: …`).
 */
import { basename } from "node:path";
import { alertmanagerFuncs } from "../template/alertmanager.ts";
import { parseTemplate, type Template } from "../template/template.ts";

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

/** Parses every template file the globs match into one set; throws TemplateError on the first bad one. */
export async function loadNotificationTemplates(globs: readonly string[]): Promise<Template> {
  const set = parseTemplate("", "", { funcs: alertmanagerFuncs() });
  for (const file of await templateFiles(globs))
    set.parse(basename(file), await Bun.file(file).text());
  return set;
}
