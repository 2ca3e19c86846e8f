import { z } from "zod";
import type { Entry } from "./entry.ts";
import { normaliseLevel, scanLevel } from "./level_detect.ts";
import type { Stage } from "./stage.ts";

/** The normalised levels, Loki's names. */
const LEVELS = ["trace", "debug", "info", "warn", "error", "critical", "fatal"] as const;

const DEFAULT_SOURCES = ["level", "lvl", "severity", "log_level", "loglevel"];

/** Config of the `level` stage: a normalised `level` label on every entry. */
export const levelStageSchema = z
  .object({
    source: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .meta({ "x-default": DEFAULT_SOURCES.join(", ") })
      .describe(
        "Extracted value(s) (or stream labels) to read the level from, first present wins. When none holds a known level, the line is scanned for a level word.",
      ),
    values: z
      .record(z.string().min(1), z.enum(LEVELS))
      .default({})
      .describe(
        "Field values mapped to a level before the usual spellings are tried, for formats with their own words (`LOG: info`, `Note: info`, `'#': warn`).",
      ),
    fallback: z
      .string()
      .default("unknown")
      .describe("Level when neither a field nor the line names one; empty sets no label."),
  })
  .strict();

/** The `level` stage's config as validated. */
export type LevelStageConfig = z.output<typeof levelStageSchema>;

/**
 * Compiles a `level` stage: sets label `level` to trace, debug, info, warn, error, critical
 * or fatal, from a field such as `level=WARNING` or `"severity": 50`, else from the first
 * level word in the line (`[ERROR]`, `panic:`), else the fallback.
 */
export function compileLevel(config: LevelStageConfig): Stage {
  const sources =
    config.source === undefined
      ? DEFAULT_SOURCES
      : typeof config.source === "string"
        ? [config.source]
        : config.source;
  const { fallback } = config;
  const values = new Map(Object.entries(config.values));
  return {
    run(e: Entry): boolean {
      const level = fromFields(e, sources, values) ?? scanLevel(e.line) ?? fallback;
      if (level !== "") e.labels.set("level", level);
      return true;
    },
  };
}

function fromFields(
  e: Entry,
  sources: readonly string[],
  values: ReadonlyMap<string, string>,
): string | undefined {
  for (const source of sources) {
    const value = e.value(source);
    if (value === undefined) continue;
    const level = values.get(value) ?? normaliseLevel(value);
    if (level !== undefined) return level;
  }
  return undefined;
}
