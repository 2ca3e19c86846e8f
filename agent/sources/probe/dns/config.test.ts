import { describe, expect, test } from "bun:test";
import { dnsProbeSchema } from "./config.ts";

const empty = {
  fail_if_matches_regexp: [],
  fail_if_all_match_regexp: [],
  fail_if_not_matches_regexp: [],
  fail_if_none_matches_regexp: [],
};

describe("dnsProbeSchema", () => {
  test("fills in blackbox_exporter's defaults", () => {
    expect(dnsProbeSchema.parse({ query_name: "example.com" })).toEqual({
      preferred_ip_protocol: "ip6",
      ip_protocol_fallback: true,
      transport_protocol: "udp",
      dns_over_tls: false,
      query_name: "example.com",
      query_type: "ANY",
      query_class: "IN",
      recursion_desired: true,
      valid_rcodes: ["NOERROR"],
      validate_answer_rrs: empty,
      validate_authority_rrs: empty,
      validate_additional_rrs: empty,
    });
  });

  test("accepts a module from a blackbox.yml as it is", () => {
    const section = {
      preferred_ip_protocol: "ip4",
      ip_protocol_fallback: false,
      source_ip_address: "127.0.0.1",
      transport_protocol: "tcp",
      dns_over_tls: true,
      tls_config: { insecure_skip_verify: true },
      query_name: "www.prometheus.io",
      query_type: "NSAP-PTR",
      query_class: "CH",
      recursion_desired: false,
      valid_rcodes: ["NOERROR", "NXDOMAIN", "NOTIMPL"],
      validate_answer_rrs: {
        fail_if_matches_regexp: [".*127.0.0.1"],
        fail_if_all_match_regexp: [".*127.0.0.1"],
        fail_if_not_matches_regexp: ["www.prometheus.io.\t300\tIN\tA\t127.0.0.1"],
        fail_if_none_matches_regexp: ["127.0.0.1"],
      },
      validate_authority_rrs: { fail_if_matches_regexp: [".*127.0.0.1"] },
      validate_additional_rrs: { fail_if_not_matches_regexp: ["(?i)^\\S+\\s+\\d+"] },
    };
    const parsed = dnsProbeSchema.parse(section);
    expect(parsed).toMatchObject({
      ...section,
      validate_authority_rrs: { ...empty, fail_if_matches_regexp: [".*127.0.0.1"] },
    });
  });

  test.each([
    ["no query_name", {}, "query_name must be set for a dns module"],
    ["an empty query_name", { query_name: "" }, "query_name must be set for a dns module"],
    [
      "a query_name with an empty label",
      { query_name: "a..b" },
      'Cannot encode DNS name "a..b": it has an empty label',
    ],
    [
      "a lower-case query_type",
      { query_name: "x", query_type: "a" },
      'query_type "a" is not valid',
    ],
    [
      "a generic query_type",
      { query_name: "x", query_type: "TYPE65280" },
      'query_type "TYPE65280" is not valid',
    ],
    [
      "an unknown query_class",
      { query_name: "x", query_class: "CHAOS" },
      'query_class "CHAOS" is not valid',
    ],
    [
      "BADVERS, which miekg/dns does not accept",
      { query_name: "x", valid_rcodes: ["BADVERS"] },
      'rcode "BADVERS" is not valid',
    ],
    [
      "an invalid regex",
      { query_name: "x", validate_answer_rrs: { fail_if_matches_regexp: ["a(b"] } },
      'Cannot compile regex "a(b"',
    ],
    [
      "DNS over TLS on UDP",
      { query_name: "x", dns_over_tls: true },
      "dns_over_tls needs transport_protocol tcp",
    ],
    [
      "a source address that is not an IP",
      { query_name: "x", source_ip_address: "localhost" },
      "source_ip_address must be an IP address",
    ],
    ["an unknown transport", { query_name: "x", transport_protocol: "quic" }, "transport_protocol"],
    ["an unknown field", { query_name: "x", query: "y" }, 'Unrecognized key: "query"'],
  ])("refuses %s", (_, section, message) => {
    const result = dnsProbeSchema.safeParse(section);
    expect(result.success).toBe(false);
    const text = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
    expect(text).toContain(message);
  });
});
