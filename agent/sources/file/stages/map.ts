import { z } from "zod";
import type { Entry } from "./entry.ts";
import type { Stage } from "./stage.ts";

/** Config of the `map` stage: an extracted value replaced by the one a table gives it. */
export const mapStageSchema = z
  .object({
    source: z.string().min(1).describe("Name of the extracted value (or stream label) to look up."),
    target: z
      .string()
      .min(1)
      .optional()
      .describe("Extracted value the result is written to. Default: source."),
    values: z
      .record(z.string(), z.string())
      .refine((v) => Object.keys(v).length > 0, { error: "must name at least one value" })
      .describe(
        "Value → replacement (`{M: master, S: replica}`). A value not listed stays as it is.",
      ),
  })
  .strict();

/** The `map` stage's config as validated. */
export type MapStageConfig = z.output<typeof mapStageSchema>;

/**
 * Compiles a `map` stage, for formats that abbreviate (Redis's role letters): the value is
 * looked up exactly; one not in the table is left alone, so no line loses what it said.
 */
export function compileMap(config: MapStageConfig): Stage {
  const { source } = config;
  const target = config.target ?? source;
  const values = new Map(Object.entries(config.values));
  return {
    run(e: Entry): boolean {
      const value = e.value(source);
      if (value === undefined) return true;
      const mapped = values.get(value);
      if (mapped !== undefined) e.extracted.set(target, mapped);
      else if (target !== source) e.extracted.set(target, value);
      return true;
    },
  };
}
