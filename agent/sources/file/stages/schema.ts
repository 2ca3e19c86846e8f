import { z } from "zod";
import { outputStageSchema, structuredMetadataStageSchema } from "./fields.ts";
import { dropStageSchema, keepStageSchema } from "./filter.ts";
import { jsonStageSchema } from "./json.ts";
import { labelsStageSchema, staticLabelsStageSchema } from "./labels.ts";
import { levelStageSchema } from "./level.ts";
import { logfmtStageSchema } from "./logfmt.ts";
import { mapStageSchema } from "./map.ts";
import { metricsStageSchema } from "./metrics.ts";
import { regexStageSchema } from "./regex.ts";
import { fieldsCheck } from "./schema_check.ts";
import { syslogStageSchema } from "./syslog.ts";
import { timestampStageSchema } from "./timestamp.ts";

/** Every stage, by the key that names it in the config. */
const STAGES = {
  json: jsonStageSchema.describe("Extracts values from a JSON object."),
  logfmt: logfmtStageSchema.describe("Extracts values from logfmt `key=value` pairs."),
  regex: regexStageSchema.describe("Extracts the named groups of a regex match."),
  timestamp: timestampStageSchema.describe("Sets the entry's time from an extracted value."),
  map: mapStageSchema.describe("Replaces an extracted value by a table (`M` → `master`)."),
  labels: labelsStageSchema,
  static_labels: staticLabelsStageSchema,
  level: levelStageSchema.describe(
    "Sets label `level` to trace, debug, info, warn, error, critical, fatal, or the fallback (Loki's detected_level).",
  ),
  drop: dropStageSchema,
  keep: keepStageSchema,
  output: outputStageSchema.describe("Replaces the line with an extracted value."),
  structured_metadata: structuredMetadataStageSchema,
  metrics: metricsStageSchema,
  syslog: syslogStageSchema.describe(
    "Parses an RFC 3164 or 5424 syslog line: its time, `level` from its PRI, and hostname, app, pid, msgid as extracted values and structured fields.",
  ),
};

/** Names of the stages, in the order the reference lists them. */
export const STAGE_TYPES = Object.keys(STAGES) as (keyof typeof STAGES)[];

/**
 * One processing stage: a map with exactly one key naming the stage, as in Promtail
 * (`- json: {expressions: {level: level}}`). Unknown stage names are errors, so a typo or a
 * Promtail stage Outpost lacks (`match`, `template`, `multiline`) is reported, not skipped.
 */
export const stageSchema = z
  .looseObject({
    json: STAGES.json.optional(),
    logfmt: STAGES.logfmt.optional(),
    regex: STAGES.regex.optional(),
    timestamp: STAGES.timestamp.optional(),
    map: STAGES.map.optional(),
    labels: STAGES.labels.optional(),
    static_labels: STAGES.static_labels.optional(),
    level: STAGES.level.optional(),
    drop: STAGES.drop.optional(),
    keep: STAGES.keep.optional(),
    output: STAGES.output.optional(),
    structured_metadata: STAGES.structured_metadata.optional(),
    metrics: STAGES.metrics.optional(),
    syslog: STAGES.syslog.optional(),
  })
  .superRefine(fieldsCheck(STAGE_TYPES))
  .describe("One stage: a map with a single key, the stage's name.");

/** The processing stages of a file source, run in order on every line. */
export const stagesSchema = z
  .array(stageSchema)
  .describe(
    "Processing stages run in order on every line (Promtail's pipeline_stages): parse, relabel, filter, count.",
  );

/** One stage's config as validated. */
export type StageConfig = z.output<typeof stageSchema>;

/** The stages' config as validated. */
export type StagesConfig = z.output<typeof stagesSchema>;
