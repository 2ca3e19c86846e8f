import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { followsRedirects, httpProbeSchema } from "./config.ts";

const good = Bun.YAML.parse(
  readFileSync(join(import.meta.dir, "testdata/modules.good.yaml"), "utf8"),
) as Record<string, unknown>;

/** The first issue of a section that must not load, as "path: message". */
function problem(section: unknown): string {
  const result = httpProbeSchema.safeParse(section);
  if (result.success) return "loaded";
  const issue = result.error.issues[0];
  return `${issue.path.join(".")}: ${issue.message}`;
}

describe("httpProbeSchema", () => {
  test("applies blackbox_exporter's defaults", () => {
    expect(httpProbeSchema.parse({})).toEqual({
      valid_status_codes: [],
      valid_http_versions: [],
      method: "GET",
      headers: {},
      body_size_limit: 0,
      compression: "",
      follow_redirects: true,
      enable_http2: true,
      fail_if_ssl: false,
      fail_if_not_ssl: false,
      fail_if_body_matches_regexp: [],
      fail_if_body_not_matches_regexp: [],
      fail_if_header_matches: [],
      fail_if_header_not_matches: [],
      body: "",
      preferred_ip_protocol: "ip6",
      ip_protocol_fallback: true,
      tls_config: { insecure_skip_verify: false },
    });
  });

  test.each(Object.keys(good))("loads the %s section of blackbox_exporter's layout", (name) => {
    expect(problem(good[name])).toBe("loaded");
  });

  test("reads sizes and header values as blackbox_exporter does", () => {
    const section = httpProbeSchema.parse({ body_size_limit: "10MB", headers: { "X-Num": 5 } });
    expect(section.body_size_limit).toBe(10 * 1024 * 1024);
    expect(section.headers).toEqual({ "X-Num": "5" });
  });

  test.each([
    [{}, true],
    [{ follow_redirects: false }, false],
    [{ no_follow_redirects: true }, false],
    [{ follow_redirects: false, no_follow_redirects: false }, true],
  ])("follows redirects for %p: %p", (section, expected) => {
    expect(followsRedirects(httpProbeSchema.parse(section))).toBe(expected);
  });

  test.each([
    [
      { fail_if_header_matches: [{ regexp: "x" }] },
      "fail_if_header_matches.0.header: Invalid input: expected string, received undefined",
    ],
    [
      { fail_if_header_matches: [{ header: "", regexp: "x" }] },
      "fail_if_header_matches.0.header: header name must be set for HTTP header matchers",
    ],
    [
      { fail_if_header_not_matches: [{ header: "X", regexp: "" }] },
      "fail_if_header_not_matches.0.regexp: regexp must be set for HTTP header matchers",
    ],
    [
      { fail_if_body_matches_regexp: ["("] },
      'fail_if_body_matches_regexp.0: Cannot compile regexp "(": missing closing ): `(`',
    ],
    [
      { compression: "gzip", headers: { "accept-encoding": "br" } },
      'headers.accept-encoding: Accept-Encoding "br" does not accept compression "gzip"',
    ],
    [
      { compression: "zstd" },
      'compression: Invalid option: expected one of ""|"identity"|"gzip"|"deflate"|"br"',
    ],
    [{ method: "GET ME" }, "method: method must be an HTTP token such as GET or POST"],
    [
      { headers: { "X-Bad": "a\r\nInjected: 1" } },
      "headers.X-Bad: header values cannot contain CR, LF or NUL",
    ],
    [
      { bearer_token: "t", basic_auth: { username: "u" } },
      "bearer_token: bearer_token cannot be used together with basic_auth",
    ],
    [{ proxy_url: "http://proxy:3128" }, ': Unrecognized key: "proxy_url"'],
    [
      { preferred_ip_protocol: "ip5" },
      'preferred_ip_protocol: Invalid option: expected one of "ip4"|"ip6"',
    ],
  ])("refuses %j", (section, expected) => {
    expect(problem(section)).toBe(expected);
  });
});
