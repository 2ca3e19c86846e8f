import { describe, expect, test } from "bun:test";
import { tcpProbeSchema } from "./config.ts";

describe("tcpProbeSchema", () => {
  test("tcpProbeSchema fills in blackbox_exporter's defaults", () => {
    expect(tcpProbeSchema.parse({})).toEqual({
      preferred_ip_protocol: "ip6",
      ip_protocol_fallback: true,
      query_response: [],
      tls: false,
      tls_config: { insecure_skip_verify: false },
    });
  });

  test("tcpProbeSchema fills in each query_response step", () => {
    const parsed = tcpProbeSchema.parse({ query_response: [{ send: "QUIT" }, { expect: "^221" }] });
    expect(parsed.query_response).toEqual([
      { expect: "", send: "QUIT", starttls: false },
      { expect: "^221", send: "", starttls: false },
    ]);
  });

  test.each([
    [{ query_response: [{ expect: "a(" }] }, "Cannot compile expect regex"],
    [{ query_response: [{ expect: "^220", labels: [] }] }, "labels"],
    [{ source_ip_address: "localhost" }, "source_ip_address must be an IP address"],
    [{ preferred_ip_protocol: "tcp4" }, "preferred_ip_protocol"],
    [{ tls_config: { cert_file: "/c.pem" } }, "cert_file needs key_file as well"],
    [{ timeout: "5s" }, "timeout"],
  ])("tcpProbeSchema refuses %j", (input, message) => {
    const result = tcpProbeSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues?.join("\n")).toContain(message);
  });
});
