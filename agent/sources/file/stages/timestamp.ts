import { z } from "zod";
import type { Entry } from "./entry.ts";
import type { Stage, StageContext } from "./stage.ts";
import { compileFormat, formatProblem, type TimeParser } from "./time_format.ts";
import { isKnownLocation, Location } from "./zone.ts";

function formatField() {
  return z
    .string()
    .min(1)
    .superRefine((format, ctx) => {
      const problem = formatProblem(format);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** Config of the `timestamp` stage: set the entry's time from an extracted value. */
export const timestampStageSchema = z
  .object({
    source: z.string().min(1).describe("Name of the extracted value holding the time."),
    format: formatField().describe(
      "A Go layout of the reference time `Mon Jan 2 15:04:05 MST 2006` (`2006-01-02T15:04:05.000Z07:00`, `02/Jan/2006:15:04:05 -0700`), a Go layout name (ANSIC, UnixDate, RubyDate, RFC822, RFC822Z, RFC850, RFC1123, RFC1123Z, RFC3339, RFC3339Nano, Kitchen, Stamp, StampMilli, StampMicro, StampNano, DateTime, DateOnly, TimeOnly), or an epoch: Unix (seconds, a fraction allowed), UnixMs, UnixUs, UnixNs.",
    ),
    fallback_formats: z
      .array(formatField())
      .default([])
      .describe("Formats tried in order when `format` does not fit."),
    location: z
      .string()
      .refine(isKnownLocation, {
        error: "unknown time zone; use an IANA name such as Europe/Berlin, or UTC, or Local",
      })
      .optional()
      .meta({ "x-default": "UTC" })
      .describe(
        "IANA time zone of times that carry no offset or zone (`Europe/Berlin`; `Local` for the host's).",
      ),
    action_on_failure: z
      .enum(["fudge", "skip"])
      .default("fudge")
      .describe(
        "When the value does not fit any format (counted as an error; the line is kept either way, as in Promtail): `fudge` gives it the last parsed time plus 1 ns, so it stays in place among its neighbours (the read time before any time was parsed); `skip` leaves it the time it was read at.",
      ),
  })
  .strict();

/** The `timestamp` stage's config as validated. */
export type TimestampStageConfig = z.output<typeof timestampStageSchema>;

/** Compiles a `timestamp` stage. */
export function compileTimestamp(config: TimestampStageConfig, ctx: StageContext): Stage {
  const location = config.location === undefined ? null : new Location(config.location);
  const parsers: TimeParser[] = [config.format, ...config.fallback_formats].map((f) =>
    compileFormat(f, location),
  );
  const { source } = config;
  const fudge = config.action_on_failure === "fudge";
  let last: bigint | null = null;
  return {
    run(e: Entry): boolean {
      const value = e.value(source);
      if (value === undefined) {
        ctx.error("missing_source", `no extracted value "${source}"`);
        return true;
      }
      for (let i = 0; i < parsers.length; i++) {
        const ns = parsers[i](value, e.nowMs);
        if (ns !== null) {
          e.timeNs = ns;
          last = ns;
          return true;
        }
      }
      if (fudge && last !== null) {
        last += 1n;
        e.timeNs = last;
      }
      ctx.error("unparseable_timestamp", `"${value.slice(0, 60)}" fits no format of ${source}`);
      return true;
    },
  };
}
