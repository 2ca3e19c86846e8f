/**
 * `file_sd_configs`: Prometheus's file-based service discovery as written in a config, shared
 * by the agent's scrape jobs and the aggregator's Alertmanager sets.
 */
import { z } from "zod";
import { duration } from "../config/fields.ts";
import { resolvePath } from "../config/http.ts";
import type { FileSdConfig } from "./file_sd.ts";

/** What Prometheus accepts as a file_sd path: a .json/.yml/.yaml file, `*` only in the last segment. */
const FILE_SD_PATTERN = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

/** One `file_sd_configs` entry as written. */
export const fileSdConfigSchema = z
  .object({
    files: z
      .array(
        z.string().regex(FILE_SD_PATTERN, {
          error: "expected a .json, .yml or .yaml file name, with * only in the last path segment",
        }),
      )
      .min(1)
      .describe(
        "Files listing target groups, in Prometheus's file_sd format; * globs the last path segment. Relative to the config file.",
      ),
    refresh_interval: duration()
      .prefault("5m")
      .describe("How often to re-read the files, besides reacting to changes."),
  })
  .strict();

/** The entry with its globs made absolute against `baseDir` (the config file's directory). */
export function resolveFileSd(sd: FileSdConfig, baseDir: string): FileSdConfig {
  return {
    files: sd.files.map((file) => resolvePath(baseDir, file)),
    refresh_interval: sd.refresh_interval,
  };
}
