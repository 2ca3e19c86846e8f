/**
 * `dns_sd_configs`: Prometheus's DNS service discovery as a scrape job writes it. The checks
 * and their messages are Prometheus's, so a file promtool refuses is refused here too.
 */
import { z } from "zod";
import { intervalDuration } from "../config/fields.ts";

/** The record types a name may be looked up as (written in any case). */
export const DNS_SD_TYPES = ["SRV", "A", "AAAA", "MX", "NS"] as const;

/** One `dns_sd_configs` entry as loaded: `type` upper-cased, `port` 0 for SRV when unset. */
export interface DnsSdConfig {
  names: string[];
  type: (typeof DNS_SD_TYPES)[number];
  port: number;
  /** ms */
  refresh_interval: number;
}

export const dnsSdConfigSchema = z
  .object({
    names: z
      .array(z.string())
      .prefault([])
      .describe("DNS names to look up (at least one); each record of the answer is a target."),
    type: z
      .string()
      .default("SRV")
      .describe(
        "The record type to ask for: SRV (host and port from each record), A, AAAA, MX or NS (each record's address or host, with `port`).",
      ),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(0)
      .describe("The port of every target; required for all types but SRV, which ignores it."),
    refresh_interval: intervalDuration()
      .prefault("30s")
      .describe("How often to look the names up again."),
  })
  .strict()
  .transform((c, ctx): DnsSdConfig => {
    const type = c.type.toUpperCase() as DnsSdConfig["type"];
    if (c.names.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["names"],
        message: "DNS-SD config must contain at least one SRV record name",
      });
    else if (!DNS_SD_TYPES.includes(type))
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `invalid DNS-SD records type ${c.type}`,
      });
    else if (type !== "SRV" && c.port === 0)
      ctx.addIssue({
        code: "custom",
        path: ["port"],
        message: "a port is required in DNS-SD configs for all record types except SRV",
      });
    return { names: c.names, type, port: c.port, refresh_interval: c.refresh_interval };
  });
