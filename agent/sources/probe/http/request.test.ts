import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProbe } from "./testdata/collect.ts";
import { type RawServer, rawServer, respond } from "./testdata/server.ts";

let server: RawServer;
let ipv6: RawServer | null = null;
const dir = mkdtempSync(join(tmpdir(), "outpost-http-request-"));

beforeAll(async () => {
  server = await rawServer((req, s) => {
    const location = /^\/to\/(\d{3})\/(.*)$/.exec(req.path);
    if (location) {
      const target = decodeURIComponent(location[2]);
      s.end(respond(`${location[1]} Moved`, { Location: target }));
    } else s.end(respond("200 OK", {}, "fine"));
  });
  ipv6 = await rawServer((_req, s) => s.end(respond("200 OK", {}, "v6")), "::1").catch(() => null);
});
afterAll(async () => {
  await server.close();
  await ipv6?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The requests the server got during one probe. */
async function requestsOf(path: string, section: Record<string, unknown> = {}) {
  const before = server.requests.length;
  const run = await runProbe(server.url(path), section);
  return { run, requests: server.requests.slice(before) };
}

/** A path that answers `status` with a Location of `target`. */
const redirect = (status: number, target: string) => `/to/${status}/${encodeURIComponent(target)}`;

describe("probeHttp() requests", () => {
  test("sends blackbox_exporter's request bytes, with Outpost's User-Agent", async () => {
    const section = {
      method: "POST",
      body: "abc",
      headers: { "x-foo": "bar", host: "example.com" },
    };
    const { requests } = await requestsOf("/ok?a=1", section);
    expect(requests[0].raw).toBe(
      "POST /ok?a=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Outpost-Agent/0.1\r\n" +
        "Content-Length: 3\r\nX-Foo: bar\r\nConnection: close\r\n\r\nabc",
    );
  });

  test.each([
    ["basic_auth", { basic_auth: { username: "u", password: "p" } }, "Basic dTpw"],
    ["bearer_token", { bearer_token: "t0k" }, "Bearer t0k"],
    ["authorization", { authorization: { type: "Token", credentials: "c" } }, "Token c"],
    [
      "a header of the module, over basic_auth",
      { basic_auth: { username: "u" }, headers: { authorization: "Mine" } },
      "Mine",
    ],
  ])("sends the Authorization of %s", async (_name, section, expected) => {
    const { requests } = await requestsOf("/ok", section);
    expect(requests[0].headers.authorization).toBe(expected);
  });

  test("reads credential files on every probe", async () => {
    const file = join(dir, "token");
    writeFileSync(file, "first\n");
    const first = await requestsOf("/ok", { bearer_token_file: file });
    writeFileSync(file, "second\n");
    const second = await requestsOf("/ok", { bearer_token_file: file });
    expect(first.requests[0].headers.authorization).toBe("Bearer first");
    expect(second.requests[0].headers.authorization).toBe("Bearer second");
  });

  test("a User-Agent header replaces the default", async () => {
    const { requests } = await requestsOf("/ok", {
      headers: { "user-agent": "Blackbox Exporter/0.23.0" },
    });
    expect(requests[0].headers["user-agent"]).toBe("Blackbox Exporter/0.23.0");
  });

  test.each([
    [303, "GET", ""],
    [302, "GET", ""],
    [307, "POST", "abc"],
    [308, "POST", "abc"],
  ])("after a %i a POST is repeated as %s", async (status, method, body) => {
    const { run, requests } = await requestsOf(redirect(status, "/done"), {
      method: "POST",
      body: "abc",
    });
    expect(run.success).toBe(true);
    expect(requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", redirect(status, "/done"), "abc"],
      [method, "/done", body],
    ]);
  });

  test("a relative redirect keeps the Host header, an absolute one sends its own", async () => {
    const absolute = `http://localhost:${server.port}/abs`;
    const path = redirect(302, redirect(302, absolute));
    const { run, requests } = await requestsOf(path, { headers: { Host: "example.com" } });
    expect(run.m.get("probe_http_redirects")).toBe(2);
    expect(requests.map((r) => r.headers.host)).toEqual([
      "example.com",
      "example.com",
      `localhost:${server.port}`,
    ]);
  });

  test("redirects carry Go's Referer, naming the first endpoint by the IP dialled", async () => {
    const second = redirect(302, "/end");
    const first = redirect(302, second);
    const before = server.requests.length;
    await runProbe(`http://localhost:${server.port}${first}`);
    const referers = server.requests.slice(before).map((r) => r.headers.referer ?? "none");
    expect(referers).toEqual(["none", server.url(first), server.url(second)]);
  });

  test("a redirect to an unsupported scheme fails the request", async () => {
    const { run } = await requestsOf(redirect(302, "ftp://example.com/"));
    expect(run.success).toBe(false);
    expect(run.m.get("probe_http_status_code")).toBe(0);
    expect(run.m.get("probe_http_redirects")).toBe(1);
    expect(run.logs.join("\n")).toContain("unsupported protocol scheme");
  });

  test("an IPv6 literal target connects over IPv6", async () => {
    if (!ipv6) return; // no IPv6 loopback on this machine
    const { success, m } = await runProbe(ipv6.url("/"), { preferred_ip_protocol: "ip6" });
    expect(success).toBe(true);
    expect(m.get("probe_ip_protocol")).toBe(6);
    expect(ipv6.requests[0].headers.host).toBe(`[::1]:${ipv6.port}`);
  });
});
