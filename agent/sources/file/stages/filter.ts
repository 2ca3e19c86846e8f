import { z } from "zod";
import { byteSize, duration } from "../../../../shared/config/fields.ts";
import { compileSearch } from "../../../../shared/regex/regex.ts";
import type { Entry } from "./entry.ts";
import { searchRegexField } from "./schema_fields.ts";
import type { Stage, StageContext } from "./stage.ts";

function filterSchema(verb: "drop" | "keep") {
  const action = verb === "drop" ? "dropped" : "kept";
  return z
    .object({
      source: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .optional()
        .describe(
          "Extracted value(s) (or stream labels) `expression` and `value` test, joined by `separator` when several; the line when left out. An entry lacking one of them does not match.",
        ),
      separator: z.string().default(";").describe("Joins several `source` values."),
      expression: searchRegexField(`Entries whose text matches are ${action}.`).optional(),
      value: z.string().optional().describe(`Entries whose text equals this are ${action}.`),
      older_than: duration()
        .optional()
        .describe(`Entries whose time is further than this in the past are ${action}.`),
      longer_than: byteSize()
        .optional()
        .describe(`Entries whose line is longer than this many bytes are ${action}.`),
      drop_counter_reason: z
        .string()
        .min(1)
        .default(`${verb}_stage`)
        .describe("The `reason` label of outpost_agent_log_stage_dropped_total for these entries."),
    })
    .strict()
    .superRefine((config, ctx) => {
      if (config.expression !== undefined && config.value !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["value"],
          message: "set expression or value, not both",
        });
      }
      const criteria = [config.expression, config.value, config.older_than, config.longer_than];
      if (criteria.every((c) => c === undefined)) {
        ctx.addIssue({
          code: "custom",
          message: `${verb} needs at least one of expression, value, older_than, longer_than`,
        });
      }
    });
}

/** Config of the `drop` stage: entries matching every criterion given are dropped. */
export const dropStageSchema = filterSchema("drop").describe(
  "Drops entries that match every criterion given (several drop stages make an OR).",
);

/** Config of the `keep` stage: entries not matching every criterion given are dropped. */
export const keepStageSchema = filterSchema("keep").describe(
  "Keeps only entries that match every criterion given and drops the rest.",
);

/** The `drop` or `keep` stage's config as validated. */
export type FilterStageConfig = z.output<typeof dropStageSchema>;

/** Compiles a `drop` (keep = false) or `keep` (keep = true) stage. */
export function compileFilter(config: FilterStageConfig, keep: boolean, ctx: StageContext): Stage {
  const matches = matcher(config);
  const dropped = ctx.dropped(config.drop_counter_reason);
  return {
    run(e: Entry): boolean {
      if (matches(e) === keep) return true;
      dropped.inc();
      return false;
    },
  };
}

/** The criteria as one test; the line-only case touches no label or extracted map. */
function matcher(config: FilterStageConfig): (e: Entry) => boolean {
  const regexp = config.expression === undefined ? null : compileSearch(config.expression);
  const { value, older_than, longer_than, separator } = config;
  const sources =
    config.source === undefined
      ? null
      : typeof config.source === "string"
        ? [config.source]
        : config.source;
  const testsText = regexp !== null || value !== undefined;
  let cutoffFor = Number.NaN;
  let cutoffNs = 0n;
  return (e) => {
    if (testsText) {
      const text = sources === null ? e.line : joined(e, sources, separator);
      if (text === undefined) return false;
      if (regexp !== null && !regexp.test(text)) return false;
      if (value !== undefined && text !== value) return false;
    }
    if (older_than !== undefined) {
      if (e.nowMs !== cutoffFor) {
        cutoffFor = e.nowMs;
        cutoffNs = BigInt(e.nowMs - older_than) * 1_000_000n;
      }
      if (e.timeNs >= cutoffNs) return false;
    }
    return longer_than === undefined || byteLength(e.line, longer_than) > longer_than;
  };
}

function joined(e: Entry, sources: readonly string[], separator: string): string | undefined {
  if (sources.length === 1) return e.value(sources[0]);
  let out = "";
  for (let i = 0; i < sources.length; i++) {
    const v = e.value(sources[i]);
    if (v === undefined) return undefined;
    out += i === 0 ? v : separator + v;
  }
  return out;
}

/** The line's UTF-8 length, or any number above `limit` once it is clearly longer. */
function byteLength(line: string, limit: number): number {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: most lines are decided without encoding them.
  if (line.length > limit) return line.length;
  if (line.length * 3 <= limit) return line.length;
  return Buffer.byteLength(line, "utf8");
}
