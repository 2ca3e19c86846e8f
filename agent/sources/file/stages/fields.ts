import { z } from "zod";
import type { Entry } from "./entry.ts";
import { nameMap, namePairs } from "./schema_fields.ts";
import type { Stage } from "./stage.ts";

/** Config of the `output` stage: replace the line with an extracted value. */
export const outputStageSchema = z
  .object({
    source: z
      .string()
      .min(1)
      .describe("Name of the extracted value that becomes the line; when absent the line stays."),
  })
  .strict();

/** The `output` stage's config as validated. */
export type OutputStageConfig = z.output<typeof outputStageSchema>;

/** Compiles an `output` stage. */
export function compileOutput(config: OutputStageConfig): Stage {
  const { source } = config;
  return {
    run(e: Entry): boolean {
      const value = e.value(source);
      if (value !== undefined) e.line = value;
      return true;
    },
  };
}

/** Config of the `structured_metadata` stage: extracted values kept beside the line. */
export const structuredMetadataStageSchema = nameMap(z.string().min(1)).describe(
  "Field name → name of the extracted value it takes (empty: the same name). The values go into the record's structured fields, not its stream labels, so high-cardinality values (trace ids, request ids) cost no new streams. Absent values set nothing.",
);

/** The `structured_metadata` stage's config as validated. */
export type StructuredMetadataStageConfig = z.output<typeof structuredMetadataStageSchema>;

/** Compiles a `structured_metadata` stage. */
export function compileStructuredMetadata(config: StructuredMetadataStageConfig): Stage {
  const pairs = namePairs(config);
  return {
    run(e: Entry): boolean {
      for (const [name, source] of pairs) {
        const value = e.value(source);
        if (value !== undefined && value !== "") e.setField(name, value);
      }
      return true;
    },
  };
}
