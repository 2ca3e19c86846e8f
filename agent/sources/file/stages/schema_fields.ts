import { z } from "zod";
import { compileSearch } from "../../../../shared/regex/regex.ts";

/** The optional `source` field: which extracted value (or stream label) a stage reads. */
export function sourceField(what: string) {
  return z
    .string()
    .min(1)
    .optional()
    .describe(
      `Name of the extracted value holding the ${what}; a stream label of that name when nothing was extracted under it. The line when left out.`,
    );
}

/** An RE2 pattern checked at load time; searched for anywhere in the text. */
export function searchRegexField(what: string) {
  return z
    .string()
    .superRefine((pattern, ctx) => {
      try {
        compileSearch(pattern);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .meta({ "x-type": "regex" })
    .describe(
      `${what} RE2 syntax, searched for anywhere in the text (write ^ and $ to anchor); \`.\` does not match a newline unless the pattern starts with (?s).`,
    );
}

/**
 * A map of target name → source name, where an empty or null source means the same name
 * (Promtail's `labels` and `structured_metadata` shape: `level:` or `service: app`).
 */
export function nameMap(target: z.ZodType<string>) {
  return z.record(target, z.string().nullable());
}

/** The pairs of a {@link nameMap}, with empty sources filled in. */
export function namePairs(map: Readonly<Record<string, string | null>>): [string, string][] {
  return Object.entries(map).map(([name, source]) => [name, source || name]);
}
