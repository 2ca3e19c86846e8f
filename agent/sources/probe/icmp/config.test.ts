import { describe, expect, test } from "bun:test";
import { icmpProbeSchema } from "./config.ts";

describe("icmpProbeSchema", () => {
  test("icmpProbeSchema fills in blackbox_exporter's defaults", () => {
    expect(icmpProbeSchema.parse({})).toEqual({
      preferred_ip_protocol: "ip6",
      ip_protocol_fallback: true,
      dont_fragment: false,
      payload_size: 0,
      ttl: 64,
    });
  });

  test.each([
    [{ ttl: -1 }, '"ttl" cannot be negative'],
    [{ ttl: 256 }, '"ttl" cannot exceed 255'],
    [{ payload_size: -1 }, "payload_size"],
    [{ source_ip_address: "eth0" }, "source_ip_address must be an IP address"],
    [{ dont_fragment: "yes" }, "dont_fragment"],
    [{ count: 3 }, "count"],
  ])("icmpProbeSchema refuses %j", (input, message) => {
    const result = icmpProbeSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues?.join("\n")).toContain(message);
  });
});
