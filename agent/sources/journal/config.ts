/** The agent config's `journal` section: the systemd journal read through journalctl. */
import { z } from "zod";
import { byteSize, duration, filePath, labelSet } from "../../../shared/config/fields.ts";

/** The `journal` section. */
export const journalSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Read the systemd journal with `journalctl --output=json --follow`; its cursor is checkpointed only after the sink acknowledged the entries.",
      ),
    journalctl: z.string().min(1).default("journalctl").describe("The journalctl program."),
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, { error: "must be a journal namespace name" })
      .optional()
      .describe("Journal namespace to read (journalctl --namespace). Default: the system's."),
    directory: filePath()
      .optional()
      .describe("Read the journal files in this folder instead (journalctl --directory)."),
    start_at: z
      .enum(["end", "beginning"])
      .default("end")
      .describe("Where the first start (no cursor stored yet) begins: new entries only, or all."),
    labels: labelSet()
      .prefault({ job: "systemd-journal" })
      .describe("Labels of every journal stream, besides `unit` and `level`."),
    max_line_bytes: byteSize().prefault("64KiB").describe("A longer MESSAGE is cut to this size."),
    rest_after: duration()
      .prefault("30s")
      .describe(
        "Stop journalctl after this long without a new entry, and start it again (after the last cursor) when journald writes to the journal's folders (inotify). `0` keeps it running.",
      ),
  })
  .strict();

/** The loaded `journal` section. */
export type JournalConfig = z.output<typeof journalSchema>;
