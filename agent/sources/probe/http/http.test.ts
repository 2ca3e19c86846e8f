import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runProbe } from "./testdata/collect.ts";
import { GZIPPED, NOTHING, OK, route, summary } from "./testdata/routes.ts";
import { type RawServer, rawServer } from "./testdata/server.ts";

// Expected values were checked against blackbox_exporter 0.23.0 probing the same responses.

let server: RawServer;
beforeAll(async () => {
  server = await rawServer(route);
});
afterAll(() => server.close());

const FOLLOW_OFF = { follow_redirects: false };

const cases: Array<[string, string, Record<string, unknown>, boolean, Partial<typeof OK>]> = [
  ["a 200 with Content-Length succeeds", "/ok", {}, true, OK],
  [
    "an HTTP/1.0 body read to close has length -1",
    "/close",
    {},
    true,
    { ...OK, contentLength: -1, bodyLength: 11, version: 1, lastModified: undefined },
  ],
  [
    "a chunked body with extensions and trailers is counted",
    "/chunked",
    {},
    true,
    { contentLength: -1, bodyLength: 11 },
  ],
  ["a 204 has length 0", "/204", {}, true, { status: 204, contentLength: 0, bodyLength: 0 }],
  [
    "a 404 fails the default 2xx check but its body is read",
    "/404",
    {},
    false,
    { status: 404, contentLength: 3, bodyLength: 3, regex: 0 },
  ],
  ["valid_status_codes replaces 2xx", "/404", { valid_status_codes: [404] }, true, { status: 404 }],
  ["relative redirects are followed and counted", "/r/2", {}, true, { ...OK, redirects: 3 }],
  [
    "an unfollowed redirect is the final response, body unread",
    "/r/0",
    FOLLOW_OFF,
    false,
    { status: 302, redirects: 1, contentLength: 4, bodyLength: 0 },
  ],
  [
    "no_follow_redirects is still understood",
    "/r/0",
    { no_follow_redirects: true },
    false,
    { status: 302, redirects: 1 },
  ],
  [
    "body checks fail on an unfollowed redirect",
    "/r/0",
    { ...FOLLOW_OFF, valid_status_codes: [302], fail_if_body_not_matches_regexp: ["move"] },
    false,
    { regex: 1 },
  ],
  ["more than 10 redirects stop at the 11th", "/r/20", {}, false, { status: 302, redirects: 11 }],
  [
    "compression gzip decodes the body",
    "/gzip",
    { compression: "gzip" },
    true,
    { contentLength: GZIPPED.length, bodyLength: 16 },
  ],
  [
    "without compression the encoded bytes are counted",
    "/gzip",
    {},
    true,
    { bodyLength: GZIPPED.length },
  ],
  [
    "compression deflate reads raw DEFLATE",
    "/deflate",
    { compression: "deflate" },
    true,
    { bodyLength: 13 },
  ],
  [
    "a body that is not gzip fails compression gzip",
    "/ok",
    { compression: "gzip" },
    false,
    { status: 200, bodyLength: 0, regex: 0 },
  ],
  [
    "body_size_limit fails a longer body, counting up to the limit",
    "/big",
    { body_size_limit: "1KiB" },
    false,
    { bodyLength: 1024, regex: 0 },
  ],
  [
    "a body over the limit fails body regexps",
    "/big",
    { body_size_limit: "1KiB", fail_if_body_matches_regexp: ["zzz"] },
    false,
    { bodyLength: 1024, regex: 1 },
  ],
  [
    "HEAD reports the Content-Length without a body",
    "/ok",
    { method: "HEAD" },
    true,
    { contentLength: 5, bodyLength: 0 },
  ],
  ["a reset before the response leaves everything at 0", "/reset", {}, false, NOTHING],
  [
    "a reset in the body keeps the status and the bytes read",
    "/resetbody",
    {},
    false,
    { status: 200, contentLength: 100, bodyLength: 3 },
  ],
  ["a bad Content-Length fails the request like Go", "/badlength", {}, false, NOTHING],
];

describe("probeHttp() on plain http", () => {
  test.each(cases)("%s", async (_name, path, section, success, expected) => {
    const run = await runProbe(server.url(path), section);
    expect({ success: run.success, ...summary(run.m) }).toMatchObject({ success, ...expected });
    expect(run.m.duplicates).toEqual([]);
  });

  test("writes blackbox_exporter's families with their HELP texts", async () => {
    const { m } = await runProbe(server.url("/ok"));
    const help = Object.fromEntries([...m.families].map(([name, f]) => [name, f.help]));
    expect(help).toEqual({
      probe_dns_lookup_time_seconds: "Returns the time taken for probe dns lookup in seconds",
      probe_ip_protocol: "Specifies whether probe ip protocol is IP4 or IP6",
      probe_ip_addr_hash:
        "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
      probe_http_duration_seconds: "Duration of http request by phase, summed over all redirects",
      probe_http_content_length: "Length of http content response",
      probe_http_uncompressed_body_length: "Length of uncompressed response body",
      probe_http_redirects: "The number of redirects",
      probe_http_ssl: "Indicates if SSL was used for the final redirect",
      probe_http_status_code: "Response HTTP status code",
      probe_http_version: "Returns the version of HTTP of the probe response",
      probe_failed_due_to_regex: "Indicates if probe failed due to regex",
      probe_http_last_modified_timestamp_seconds:
        "Returns the Last-Modified HTTP response header in unixtime",
    });
    expect([...m.families.values()].every((f) => f.type === "gauge")).toBe(true);
  });

  test("sums phases as blackbox does: no connect time when the connection is refused", async () => {
    const closed = await rawServer(() => {});
    const url = closed.url("/x");
    await closed.close();
    const { success, m, logs } = await runProbe(url);
    expect(success).toBe(false);
    expect(summary(m)).toMatchObject(NOTHING);
    for (const phase of ["connect", "tls", "processing", "transfer"]) {
      expect(m.get("probe_http_duration_seconds", `phase="${phase}"`)).toBe(0);
    }
    expect(m.get("probe_http_duration_seconds", 'phase="resolve"')).toBeGreaterThan(0);
    expect(logs.join("\n")).toContain("Error for HTTP request");
  });

  test("an unparsable target fails with every family at 0", async () => {
    const { success, m } = await runProbe("http://[::1");
    expect(success).toBe(false);
    expect(summary(m)).toMatchObject(NOTHING);
    expect(m.get("probe_dns_lookup_time_seconds")).toBeUndefined();
  });

  test("a target without a scheme is taken as http", async () => {
    const { success } = await runProbe(server.url("/ok").replace("http://", ""));
    expect(success).toBe(true);
  });
});
