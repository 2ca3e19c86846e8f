import { z } from "zod";
import type { Entry } from "./entry.ts";
import { extractJson, type JsonPaths } from "./json_extract.ts";
import { addPath, parseJsonPath, pathNode } from "./json_path.ts";
import { sourceField } from "./schema_fields.ts";
import type { Stage, StageContext } from "./stage.ts";

/** Config of the `json` stage: parse the line (or an extracted value) as a JSON object. */
export const jsonStageSchema = z
  .object({
    expressions: z
      .record(z.string().min(1), z.string().nullable())
      .optional()
      .describe(
        'Extracted name → path into the object: `a.b`, `a[0]`, `a.b[2].c`, `"key.with.dots"`, `a["x.y"]`. An empty path means the key of the same name. Left out or empty: every top-level member, under its own name.',
      ),
    source: sourceField("JSON object to parse"),
    drop_malformed: z
      .boolean()
      .default(false)
      .describe(
        "Drop lines that are not one JSON object. By default they pass on unchanged and are counted as errors (reason `malformed_json`).",
      ),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [name, expr] of Object.entries(config.expressions ?? {})) {
      try {
        parseJsonPath(expr || name);
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          path: ["expressions", name],
          message: (err as Error).message,
        });
      }
    }
  });

/** The `json` stage's config as validated. */
export type JsonStageConfig = z.output<typeof jsonStageSchema>;

/** Compiles a `json` stage. Strings are unescaped; numbers keep their exact text; null is absent. */
export function compileJson(config: JsonStageConfig, ctx: StageContext): Stage {
  const list = Object.entries(config.expressions ?? {}).map(([target, expr]) => ({
    target,
    path: parseJsonPath(expr || target),
  }));
  const paths: JsonPaths = { list, tree: pathNode() };
  for (const { target, path } of list) addPath(paths.tree, path, target);
  const { source, drop_malformed } = config;
  const dropped = ctx.dropped("malformed_json");
  return {
    run(e: Entry): boolean {
      const text = source === undefined ? e.line : e.value(source);
      if (text === undefined || extractJson(text, paths, e.extracted)) return true;
      if (drop_malformed) {
        dropped.inc();
        return false;
      }
      ctx.error("malformed_json", `not a JSON object: ${text.slice(0, 80)}`);
      return true;
    },
  };
}
