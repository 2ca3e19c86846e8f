/**
 * The aggregator config's SLO settings: `slo_files`, globs of Sloth `prometheus/v1` specs,
 * and `slo_probes`, the one-line availability SLOs of probe targets.
 */
import { z } from "zod";

/** `slo_files`: globs of Sloth spec files, relative to the config file's directory. */
export const sloFilesSchema = z
  .array(z.string().min(1))
  .default([])
  .meta({ "x-type": "list of globs" })
  .describe(
    "Sloth `prometheus/v1` SLO specs to load, as globs relative to the directory of this file (`slos/*.yml`). Each generates Sloth's recording rules and burn-rate alerts; a bad file is reported and the others still load. See docs/slo.md.",
  );

/** One entry of `slo_probes`. */
const probeSloSchema = z
  .object({
    probe: z
      .string()
      .min(1)
      .optional()
      .describe("The probed target, as the probe source writes it in the `instance` label."),
    job: z
      .string()
      .min(1)
      .optional()
      .describe("The probe job; alone, the SLO covers every target of the job."),
    objective: z
      .number()
      .gt(0)
      .lte(100)
      .describe("Percentage of probes that must succeed over 30 days, as `99.9`."),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/, {
        error:
          'must start and end with a letter or digit and hold only letters, digits, "-", "_" and "."',
      })
      .optional()
      .describe("The SLO name (`sloth_slo`); derived from the target or job when not set."),
  })
  .strict()
  .refine((p) => p.probe !== undefined || p.job !== undefined, {
    error: "set probe, job or both",
  });

/** `slo_probes`: availability SLOs over `probe_success`, one line each. */
export const sloProbesSchema = z
  .array(probeSloSchema)
  .default([])
  .describe(
    "Availability SLOs of probe targets over `probe_success`, one line each: `- { probe: https://example.com, objective: 99.9 }`. Each expands to a Sloth spec (service `probe`) with the same rules and alerts as `slo_files`.",
  );
