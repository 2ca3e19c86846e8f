import { isIP } from "node:net";
import { z } from "zod";
import type { IpPreference } from "./resolve.ts";

/** blackbox_exporter's IP family fields, spread into each prober's section that resolves a host. */
export const ipProtocolFields = {
  preferred_ip_protocol: z
    .enum(["ip4", "ip6"])
    .default("ip6")
    .describe(
      "IP family to try first when the target's name has addresses of both (blackbox_exporter's default: ip6).",
    ),
  ip_protocol_fallback: z
    .boolean()
    .default(true)
    .describe("Use the other IP family when the preferred one has no address."),
};

/** The IP preference of a section that spread {@link ipProtocolFields}. */
export function ipPreference(section: {
  preferred_ip_protocol: "ip4" | "ip6";
  ip_protocol_fallback: boolean;
}): IpPreference {
  return { preferred: section.preferred_ip_protocol, fallback: section.ip_protocol_fallback };
}

/** blackbox_exporter's `source_ip_address`: the local address a probe sends from (`what` says how). */
export function sourceAddressField(what: string) {
  return z
    .string()
    .refine((a) => isIP(a) !== 0, { error: "source_ip_address must be an IP address" })
    .optional()
    .describe(`Local address to ${what}.`);
}
