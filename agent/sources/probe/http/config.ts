import { z } from "zod";
import { byteSize } from "../../../../shared/config/fields.ts";
import { checkHttpClient, httpClientFields } from "../../../../shared/config/http.ts";
import { ipProtocolFields } from "../fields.ts";
import { acceptsCompression, COMPRESSIONS } from "./compression.ts";
import { compileSearch } from "./search.ts";

/**
 * The `http` section of a probe module, blackbox_exporter 0.23's layout: the HTTP client
 * settings (`tls_config`, `basic_auth`, `authorization`, `bearer_token`, `follow_redirects`)
 * sit directly in the section, as Go's inlined HTTPClientConfig puts them. Not supported, and
 * therefore refused as unknown fields: `proxy_url`, `oauth2`, `skip_resolve_phase_with_proxy`.
 */

// Empty lists and maps default with prefault, like the scrape config, for the docs generator.

/** An RE2 pattern, checked when the config loads; matched unanchored like Go's regexp.Match. */
function searchPattern() {
  return z
    .string()
    .superRefine((pattern, ctx) => {
      try {
        compileSearch(pattern);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .meta({ "x-type": "regex" });
}

const headerMatchSchema = z
  .object({
    header: z
      .string()
      .min(1, "header name must be set for HTTP header matchers")
      .describe("Response header to check (case-insensitive)."),
    regexp: searchPattern()
      .refine((p) => p !== "", "regexp must be set for HTTP header matchers")
      .describe("Pattern searched for in each value of the header."),
    allow_missing: z
      .boolean()
      .default(false)
      .describe("A missing header passes the check instead of failing the probe."),
  })
  .strict();

/** An HTTP token (RFC 9110), as Go requires for a method and a header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const headerValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .refine((v) => !/[\r\n\0]/.test(v), "header values cannot contain CR, LF or NUL");

/** blackbox_exporter 0.23's `http` prober settings. */
export const httpProbeSchema = z
  .object({
    valid_status_codes: z
      .array(z.number().int())
      .prefault([])
      .describe("Status codes that count as success; empty means any 2xx."),
    valid_http_versions: z
      .array(z.string())
      .prefault([])
      .describe(
        'Protocol versions that count as success, as `HTTP/1.1` or `HTTP/1.0`; empty means any. Only HTTP/1.x is spoken (no HTTP/2), so "HTTP/2.0" never matches.',
      ),
    method: z
      .string()
      .regex(TOKEN, "method must be an HTTP token such as GET or POST")
      .default("GET")
      .describe("Request method."),
    headers: z
      .record(z.string().regex(TOKEN, "header names must be HTTP tokens"), headerValue)
      .prefault({})
      .describe(
        "Request headers. `Host` replaces the host sent (and the TLS server name); `User-Agent` replaces the default `Outpost-Agent/0.1`.",
      ),
    body_size_limit: byteSize()
      .prefault(0)
      .describe(
        "Largest (uncompressed) body read; a longer body fails the probe. 0 means no limit.",
      ),
    compression: z
      .enum(COMPRESSIONS)
      .default("")
      .describe(
        "Decode the body with this algorithm whatever the response says: gzip, deflate (raw), br or identity. No Accept-Encoding is added: set it in `headers`.",
      ),
    follow_redirects: z
      .boolean()
      .default(true)
      .describe("Follow 301, 302, 303, 307 and 308 responses (at most 10)."),
    no_follow_redirects: z
      .boolean()
      .optional()
      .describe(
        "Deprecated in blackbox_exporter: the opposite of follow_redirects, and wins over it.",
      ),
    enable_http2: z
      .boolean()
      .default(true)
      .describe("Accepted for compatibility and ignored: probes always speak HTTP/1.1."),
    fail_if_ssl: z.boolean().default(false).describe("Fail when the final response came over TLS."),
    fail_if_not_ssl: z
      .boolean()
      .default(false)
      .describe("Fail when the final response did not come over TLS."),
    fail_if_body_matches_regexp: z
      .array(searchPattern())
      .prefault([])
      .describe("Fail when the body contains a match of any of these patterns."),
    fail_if_body_not_matches_regexp: z
      .array(searchPattern())
      .prefault([])
      .describe("Fail unless the body contains a match of each of these patterns."),
    fail_if_header_matches: z
      .array(headerMatchSchema)
      .prefault([])
      .describe("Fail when any value of the header matches."),
    fail_if_header_not_matches: z
      .array(headerMatchSchema)
      .prefault([])
      .describe("Fail unless some value of the header matches."),
    body: z.string().default("").describe("Request body, sent with a Content-Length."),
    ...ipProtocolFields,
    ...httpClientFields,
  })
  .strict()
  .superRefine((section, ctx) => {
    checkHttpClient(section, ctx);
    for (const [name, value] of Object.entries(section.headers)) {
      if (name.toLowerCase() !== "accept-encoding") continue;
      if (acceptsCompression(section.compression, value)) continue;
      ctx.addIssue({
        code: "custom",
        path: ["headers", name],
        message: `Accept-Encoding "${value}" does not accept compression "${section.compression}"`,
      });
    }
  });

/** The loaded `http` section. */
export type HttpProbeConfig = z.output<typeof httpProbeSchema>;

/** Whether a section follows redirects: the deprecated `no_follow_redirects` wins when set. */
export function followsRedirects(config: HttpProbeConfig): boolean {
  return config.no_follow_redirects === undefined
    ? config.follow_redirects
    : !config.no_follow_redirects;
}
