import { z } from "zod";
import type { Entry } from "./entry.ts";
import { extractLogfmt } from "./logfmt_scan.ts";
import { nameMap, namePairs, sourceField } from "./schema_fields.ts";
import type { Stage, StageContext } from "./stage.ts";

/** Config of the `logfmt` stage: read `key=value` pairs from the line (or an extracted value). */
export const logfmtStageSchema = z
  .object({
    mapping: nameMap(z.string().min(1))
      .optional()
      .describe(
        "Extracted name → logfmt key (empty: the key of the same name). Left out or empty: every key, under its own name.",
      ),
    source: sourceField("logfmt text to parse"),
  })
  .strict();

/** The `logfmt` stage's config as validated. */
export type LogfmtStageConfig = z.output<typeof logfmtStageSchema>;

/** Compiles a `logfmt` stage; text without a single `key=value` pair is counted, not parsed. */
export function compileLogfmt(config: LogfmtStageConfig, ctx: StageContext): Stage {
  const pairs = namePairs(config.mapping ?? {});
  let wanted: Map<string, string[]> | null = null;
  if (pairs.length > 0) {
    wanted = new Map();
    for (const [name, key] of pairs) wanted.set(key, [...(wanted.get(key) ?? []), name]);
  }
  const { source } = config;
  return {
    run(e: Entry): boolean {
      const text = source === undefined ? e.line : e.value(source);
      if (text !== undefined && !extractLogfmt(text, wanted, e.extracted)) {
        ctx.error("malformed_logfmt", `no key=value pairs or an open quote: ${text.slice(0, 80)}`);
      }
      return true;
    },
  };
}
