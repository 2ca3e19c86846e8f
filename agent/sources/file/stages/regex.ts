import { z } from "zod";
import { compileSearch } from "../../../../shared/regex/regex.ts";
import type { Entry } from "./entry.ts";
import { searchRegexField, sourceField } from "./schema_fields.ts";
import type { Stage, StageContext } from "./stage.ts";

/** Config of the `regex` stage: named groups of a match become extracted values. */
export const regexStageSchema = z
  .object({
    expression: searchRegexField(
      "Pattern whose named groups (`(?P<name>…)` or `(?<name>…)`) become extracted values of those names.",
    ),
    source: sourceField("text to match"),
  })
  .strict();

/** The `regex` stage's config as validated. */
export type RegexStageConfig = z.output<typeof regexStageSchema>;

/** Compiles a `regex` stage; text the pattern does not match is counted (reason `no_match`). */
export function compileRegexStage(config: RegexStageConfig, ctx: StageContext): Stage {
  const regex = compileSearch(config.expression);
  const { groupNames } = regex;
  const named: number[] = [];
  for (let i = 1; i < groupNames.length; i++) if (groupNames[i] !== "") named.push(i);
  const { source } = config;
  return {
    run(e: Entry): boolean {
      const text = source === undefined ? e.line : e.value(source);
      if (text === undefined) return true;
      const match = regex.exec(text);
      if (match === null) {
        ctx.error("no_match", `no match for ${config.expression}: ${text.slice(0, 80)}`);
        return true;
      }
      for (const i of named) {
        const value = match[i];
        if (value !== undefined) e.extracted.set(groupNames[i], value);
      }
      return true;
    },
  };
}
