import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import {
  byteSize,
  intervalDuration,
  labelSet,
  positiveDuration,
} from "../../../shared/config/fields.ts";
import { compileSearch, type Regex } from "../../../shared/regex/regex.ts";

/** The label the source sets to the path a file was first read under. */
export const FILENAME_LABEL = "filename";

const glob = z.string().min(1).meta({ "x-type": "glob" });

const staticLabels = labelSet()
  .prefault({})
  .superRefine((labels, ctx) => {
    for (const name of Object.keys(labels)) {
      if (name === FILENAME_LABEL) {
        ctx.addIssue({ code: "custom", path: [name], message: "filename is set by the source" });
      } else if (name.startsWith("__")) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "labels starting with __ are reserved",
        });
      }
    }
  })
  .describe("Labels of every stream the source reads (job, …), besides filename.");

const startPattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      compileStartPattern(pattern);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  })
  .meta({ "x-type": "regex" })
  .describe(
    "RE2 regex that marks the first line of a record; it matches anywhere in the line unless anchored with ^.",
  );

const multiline = z
  .object({
    start_pattern: startPattern,
    max_wait: positiveDuration()
      .prefault("3s")
      .describe(
        "A record (and a line without its newline) is sent after this long without more lines.",
      ),
    max_lines: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe("A record is sent once it holds this many lines."),
  })
  .strict();

/** One `file` source: which files to tail and how to cut them into records. */
export const fileSourceSchema = z
  .object({
    include: z
      .array(glob)
      .min(1)
      .describe(
        "Globs of the files to read (*, **, ?, [...], {a,b}); relative ones resolve against the config file's folder.",
      ),
    exclude: z
      .array(glob)
      .prefault([])
      .describe(
        "Globs of files not to read, matched against the full path; relative ones resolve like include.",
      ),
    labels: staticLabels,
    start_at: z
      .enum(["end", "beginning"])
      .default("end")
      .describe(
        "Where files found at the agent's first start are read from; files appearing later are read from the beginning.",
      ),
    max_line_bytes: byteSize()
      .prefault("256KiB")
      .refine((n) => n > 0, { error: "must be larger than 0" })
      .describe("Longer lines are cut to this size; the rest of the line is skipped and counted."),
    multiline: multiline
      .optional()
      .describe(
        "Joins lines into records: a line matching start_pattern starts one, the lines after it join it.",
      ),
    poll_interval: intervalDuration()
      .prefault("250ms")
      .describe(
        "How often the globs are expanded and the files checked for new data and rotation.",
      ),
    watch: z
      .boolean()
      .default(true)
      .describe(
        "Passes stop while nothing changes and resume when the kernel (inotify) reports a change in the files' folders; at least every 10 s regardless. Off: a pass every poll_interval.",
      ),
    fingerprint_bytes: z
      .number()
      .int()
      .positive()
      .max(1 << 20)
      .default(1024)
      .describe(
        "Leading bytes hashed to tell files apart beside device and inode (rotation by copy, inode reuse).",
      ),
    stages: z
      .array(z.unknown())
      .prefault([])
      .describe("Processing stages applied to the records before they leave the agent."),
  })
  .strict();

/** One `file` source as validated: durations in ms, sizes in bytes. */
export type FileSourceConfig = z.output<typeof fileSourceSchema>;

/** Resolves relative include and exclude globs against the config file's folder. */
export function normalizeFileSourceConfig(
  config: FileSourceConfig,
  baseDir: string,
): FileSourceConfig {
  const abs = (pattern: string) => (isAbsolute(pattern) ? pattern : resolve(baseDir, pattern));
  return { ...config, include: config.include.map(abs), exclude: config.exclude.map(abs) };
}

/** Compiles a multiline start pattern with RE2 semantics, unanchored like Go's MatchString. */
export function compileStartPattern(pattern: string): Regex {
  return compileSearch(pattern);
}
