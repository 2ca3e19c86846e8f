/**
 * The agent's `logs` section: file sources, each with its processing stages. A source's
 * `name` names its checkpoint file and its self-metrics, so it must stay stable across
 * restarts; it is also the `job` label unless `labels` sets one.
 */
import { z } from "zod";
import {
  type FileSourceConfig,
  fileSourceSchema,
  normalizeFileSourceConfig,
} from "../sources/file/config.ts";
import { type StagesConfig, stagesSchema } from "../sources/file/stages/stages.ts";

/** One entry of `logs`. */
export const logSourceSchema = fileSourceSchema.extend({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: "must be letters, digits, _ and -" })
    .describe(
      "The source's name: keys its checkpoints (keep it stable) and is the `job` label unless `labels` sets one.",
    ),
  stages: stagesSchema
    .prefault([])
    .describe("Processing stages run in order on every record (Promtail's pipeline_stages)."),
});

/** The `logs` section: a list of file sources with unique names. */
export const logsSchema = z.array(logSourceSchema).superRefine((sources, ctx) => {
  const seen = new Set<string>();
  sources.forEach((s, i) => {
    if (seen.has(s.name)) {
      ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${s.name}" is used twice` });
    }
    seen.add(s.name);
  });
});

/** One loaded log source: globs absolute, `job` defaulted. */
export interface LogSourceConfig extends FileSourceConfig {
  name: string;
  stages: StagesConfig;
}

/** Resolves relative globs and defaults the `job` label to the source's name. */
export function normalizeLogSources(
  input: z.output<typeof logsSchema>,
  baseDir: string,
): LogSourceConfig[] {
  return input.map((s) => ({
    ...normalizeFileSourceConfig(s, baseDir),
    name: s.name,
    stages: s.stages,
    labels: { job: s.name, ...s.labels },
  }));
}
