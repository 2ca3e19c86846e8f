/**
 * The template set a notification is rendered with, and rendering a config field with it as
 * Alertmanager does: the defaults first, then the alertmanager.yml's `templates` files (which
 * may redefine them); each field's text is parsed into a copy of the set and run with
 * `missingkey=zero`, so a missing label is "".
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { alertmanagerFuncs } from "../../template/alertmanager.ts";
import { parseTemplate, type Template, TemplateError } from "../../template/template.ts";
import type { GoStruct } from "../../template/values.ts";
import type { NotificationData } from "../receivers/data.ts";
import { templateFiles } from "../templates.ts";
import { DEFAULT_TEMPLATES } from "./default_templates.ts";
import { templateData } from "./template_data.ts";

/** The default templates plus the user's, given as (file base name, text) pairs. */
export function templateSet(files: readonly (readonly [string, string])[] = []): Template {
  const set = parseTemplate("", DEFAULT_TEMPLATES, {
    funcs: alertmanagerFuncs(),
    missingKey: "zero",
  });
  for (const [name, text] of files) set.parse(name, text);
  return set;
}

/**
 * The set for an alertmanager.yml's `templates` globs; throws TemplateError on a bad glob, a
 * file that cannot be read or does not parse, with Go's words as amtool prints them.
 */
export async function loadTemplateSet(globs: readonly string[]): Promise<Template> {
  let paths: string[];
  try {
    paths = await templateFiles(globs);
  } catch (error) {
    if (error instanceof SyntaxError) throw new TemplateError(error.message);
    throw error;
  }
  // Each file parsed before the next is read, as Go does: the first problem is the one told.
  const set = templateSet();
  for (const file of paths) set.parse(basename(file), await readTemplate(file));
  return set;
}

async function readTemplate(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new TemplateError(`read ${file}: is a directory`);
    if (code === "EACCES") throw new TemplateError(`open ${file}: permission denied`);
    throw error;
  }
}

/** Renders config fields for one notification (Alertmanager's `tmplText`). */
export class Renderer {
  private readonly value: GoStruct;

  constructor(
    private readonly set: Template,
    /** The notification the fields are rendered for. */
    readonly data: NotificationData,
  ) {
    this.value = templateData(data);
  }

  /** The text of `field` run as a template on the notification; "" stays "" without running. */
  async text(field: string): Promise<string> {
    if (field === "") return "";
    return this.set.clone().parse("", field).execute(this.value, "");
  }

  /** Like {@link Renderer.text}, run as html/template runs it (Alertmanager's `tmplHTML`). */
  async html(field: string): Promise<string> {
    if (field === "") return "";
    return this.set.clone().parse("", field).execute(this.value, "", { html: true });
  }

  /** Renders every value of a map, keeping its keys. */
  async map(fields: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = await this.text(v);
    return out;
  }
}
