import { z } from "zod";
import { ipProtocolFields, sourceAddressField } from "../fields.ts";

/**
 * The `icmp` section of a probe module, field for field blackbox_exporter 0.23's. A bad
 * source_ip_address, which blackbox_exporter only finds when a probe runs, is refused here.
 */
export const icmpProbeSchema = z
  .object({
    ...ipProtocolFields,
    source_ip_address: sourceAddressField("send the echo request from"),
    dont_fragment: z
      .boolean()
      .default(false)
      .describe(
        "Set the Don't Fragment bit on IPv4 echo requests, so that a payload larger than the path MTU fails. Ignored for IPv6.",
      ),
    payload_size: z
      .number()
      .int()
      .min(0)
      .max(65_000)
      .default(0)
      .describe(
        'Bytes of echo data; 0 sends blackbox_exporter\'s 28 bytes "Prometheus Blackbox Exporter".',
      ),
    ttl: z
      .number()
      .int()
      .min(0, { error: '"ttl" cannot be negative' })
      .max(255, { error: '"ttl" cannot exceed 255' })
      .default(64)
      .describe("TTL (IPv4) or hop limit (IPv6) of the echo request; 0 keeps the system default."),
  })
  .strict();

/** The loaded `icmp` section. */
export type IcmpProbeConfig = z.output<typeof icmpProbeSchema>;
