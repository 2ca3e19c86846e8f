import { z } from "zod";
import { tlsConfigSchema } from "../../../../shared/config/http.ts";
import { CLASSES, RCODES, TYPES } from "../../../../shared/dns/codes.ts";
import { encodeName } from "../../../../shared/dns/names.ts";
import { compileSearch } from "../../../../shared/regex/regex.ts";
import { ipProtocolFields, sourceAddressField } from "../fields.ts";

/**
 * The `dns` section of a probe module, field for field blackbox_exporter 0.23's, so modules
 * paste in unchanged. What blackbox_exporter only finds wrong when a probe runs (an unknown
 * rcode, a bad regex, DNS over TLS on UDP) is refused here, when the config loads.
 */

const regexList = (what: string) =>
  z
    .array(
      z.string().superRefine((pattern, ctx) => {
        try {
          compileSearch(pattern);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    )
    .default([])
    .describe(what);

/** `validate_*_rrs`: regexes (RE2, unanchored) matched against each record's text form. */
export const rrValidatorSchema = z
  .object({
    fail_if_matches_regexp: regexList("Fail if any record matches one of these regexes."),
    fail_if_all_match_regexp: regexList(
      "Fail unless every record matches each of these regexes (blackbox_exporter 0.23's behaviour, despite the name).",
    ),
    fail_if_not_matches_regexp: regexList(
      "Fail if any record does not match one of these regexes, or there are no records.",
    ),
    fail_if_none_matches_regexp: regexList(
      "Fail unless at least one record matches one of these regexes.",
    ),
  })
  .strict()
  .describe(
    'Checks of one section of the answer. Records are matched in miekg/dns text form, e.g. "example.com.\\t300\\tIN\\tA\\t192.0.2.1".',
  );

/** The loaded checks of one answer section. */
export type RRValidator = z.output<typeof rrValidatorSchema>;

const known = (table: Readonly<Record<string, number>>, what: string, examples: string) =>
  z.string().refine((v) => Object.hasOwn(table, v), {
    error: (issue) => `${what} "${issue.input}" is not valid (use one of ${examples})`,
  });

/** The `dns` section of a probe module (blackbox_exporter's). */
export const dnsProbeSchema = z
  .object({
    ...ipProtocolFields,
    source_ip_address: sourceAddressField("send the query from"),
    transport_protocol: z
      .enum(["udp", "tcp"])
      .default("udp")
      .describe("udp or tcp. A truncated UDP answer is taken as it is, not retried over TCP."),
    dns_over_tls: z
      .boolean()
      .default(false)
      .describe("Query over TLS (RFC 7858, default port 853); needs transport_protocol tcp."),
    tls_config: tlsConfigSchema.optional().describe("TLS settings for dns_over_tls."),
    query_name: z
      .string({ error: "query_name must be set for a dns module" })
      .min(1, { error: "query_name must be set for a dns module" })
      .superRefine((name, ctx) => {
        try {
          encodeName(name);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      })
      .describe("Name to ask for; a trailing dot is added when missing."),
    query_type: known(TYPES, "query_type", "A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, ANY, …")
      .default("ANY")
      .describe("Record type to ask for, by its upper-case name."),
    query_class: known(CLASSES, "query_class", Object.keys(CLASSES).join(", "))
      .default("IN")
      .describe("Class to ask in: IN, CH, HS, CS, NONE or ANY."),
    recursion_desired: z
      .boolean()
      .default(true)
      .describe("Set the RD flag, asking the server to recurse."),
    valid_rcodes: z
      .array(known(RCODES, "rcode", "NOERROR, NXDOMAIN, SERVFAIL, REFUSED, …"))
      .default(["NOERROR"])
      .describe("Response codes that count as success; an empty list accepts none."),
    validate_answer_rrs: rrValidatorSchema.prefault({}),
    validate_authority_rrs: rrValidatorSchema.prefault({}),
    validate_additional_rrs: rrValidatorSchema.prefault({}),
  })
  .strict()
  .superRefine((dns, ctx) => {
    if (dns.dns_over_tls && dns.transport_protocol !== "tcp")
      ctx.addIssue({
        code: "custom",
        path: ["transport_protocol"],
        message: "dns_over_tls needs transport_protocol tcp",
      });
  });

/** The loaded `dns` section. */
export type DnsProbeConfig = z.output<typeof dnsProbeSchema>;
