/**
 * The agent config's `syslog` section: the host's syslog file tailed as a file source with
 * the `syslog` stage (RFC 3164 / 5424), for hosts where rsyslog or syslog-ng writes one.
 */
import { z } from "zod";
import { fileSourceSchema } from "../sources/file/config.ts";
import { stagesSchema } from "../sources/file/stages/stages.ts";
import type { LogSourceConfig } from "./logs.ts";

/** The `syslog` section. */
export const syslogSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Tail the host's syslog file. Where rsyslog also stores the journal's lines, enable this or `journal`, not both, or lines arrive twice.",
      ),
    include: z
      .array(z.string().min(1))
      .prefault(["/var/log/syslog", "/var/log/messages"])
      .describe("Files to tail: Debian's and Red Hat's; those that do not exist are skipped."),
  })
  .strict();

/** The loaded `syslog` section. */
export type SyslogConfig = z.output<typeof syslogSchema>;

/** The file source of the `syslog` section, or none when it is off. */
export function syslogSources(config: SyslogConfig): LogSourceConfig[] {
  if (!config.enabled) return [];
  return [
    {
      ...fileSourceSchema.parse({ include: config.include, labels: { job: "syslog" } }),
      name: "syslog",
      stages: stagesSchema.parse([{ syslog: {} }]),
    },
  ];
}
