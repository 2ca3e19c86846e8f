import { z } from "zod";
import type { Entry } from "./entry.ts";
import type { Stage, StageContext } from "./stage.ts";
import { parseSyslog } from "./syslog_parse.ts";

/** Config of the `syslog` stage: parse RFC 3164 / 5424 lines (syslog_parse.ts). */
export const syslogStageSchema = z.object({}).strict();

/** The `syslog` stage's config as validated. */
export type SyslogStageConfig = z.output<typeof syslogStageSchema>;

/** Severity 0–7 as the level names Loki and Grafana recognise. */
const LEVELS = ["critical", "critical", "critical", "error", "warning", "info", "info", "debug"];

/**
 * Compiles a `syslog` stage: the entry's time from the line, `level` from its PRI where it has
 * one, and `hostname`, `app`, `pid`, `msgid` extracted and kept as structured fields. The line
 * stays whole. A line of no syslog form is counted and passed on unchanged.
 */
export function compileSyslog(_config: SyslogStageConfig, ctx: StageContext): Stage {
  return {
    run(e: Entry): boolean {
      const p = parseSyslog(e.line, e.nowMs);
      if (p === null) {
        ctx.error("malformed_syslog", `not RFC 3164 or 5424: ${e.line.slice(0, 80)}`);
        return true;
      }
      if (Number.isFinite(p.timeMs)) e.timeNs = BigInt(Math.round(p.timeMs)) * 1_000_000n;
      for (const [name, value] of [
        ["hostname", p.hostname],
        ["app", p.app],
        ["pid", p.pid],
        ["msgid", p.msgid],
      ] as const) {
        if (value === "") continue;
        e.extracted.set(name, value);
        e.setField(name, value);
      }
      e.extracted.set("message", p.message);
      if (p.severity >= 0) e.labels.set("level", LEVELS[p.severity]);
      return true;
    },
  };
}
