import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { makeCerts, type TestCerts } from "./testdata/certs.ts";
import { runProbe } from "./testdata/collect.ts";
import { type RawServer, rawServer, respond } from "./testdata/server.ts";

// Expected families were checked against blackbox_exporter 0.23.0 probing the same servers.

let certs: TestCerts;
let https: ReturnType<typeof Bun.serve>;
let mutual: ReturnType<typeof Bun.serve>;
let plain: RawServer;
let expiry: number;

beforeAll(async () => {
  certs = makeCerts();
  plain = await rawServer((_req, s) => s.end(respond("200 OK", {}, "plain")));
  const tls = {
    cert: readFileSync(certs.serverCert, "utf8"),
    key: readFileSync(certs.serverKey, "utf8"),
  };
  const fetch = (req: Request) =>
    new URL(req.url).pathname === "/toplain"
      ? Response.redirect(plain.url("/"), 302)
      : new Response("secure");
  https = Bun.serve({ port: 0, hostname: "127.0.0.1", tls, fetch });
  const ca = readFileSync(certs.ca, "utf8");
  mutual = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { ...tls, ca, requestCert: true, rejectUnauthorized: true },
    fetch,
  });
  expiry = Date.parse(new X509Certificate(tls.cert).validTo) / 1000;
});
afterAll(async () => {
  https?.stop(true);
  mutual?.stop(true);
  await plain?.close();
  certs?.remove();
});

const url = (server: { port?: number }, host = "localhost", path = "/") =>
  `https://${host}:${server.port}${path}`;
const withCa = () => ({ tls_config: { ca_file: certs.ca } });
const TLS_FAMILIES = [
  "probe_ssl_earliest_cert_expiry",
  "probe_ssl_last_chain_expiry_timestamp_seconds",
  "probe_ssl_last_chain_info",
  "probe_tls_version_info",
];

describe("probeHttp() over TLS", () => {
  test("a certificate from an unknown CA fails with no TLS families and no connect time", async () => {
    const { success, m, logs } = await runProbe(url(https));
    expect(success).toBe(false);
    expect(m.get("probe_http_status_code")).toBe(0);
    expect(m.get("probe_http_ssl")).toBe(0);
    expect(m.names().filter((n) => TLS_FAMILIES.includes(n))).toEqual([]);
    expect(m.get("probe_http_duration_seconds", 'phase="connect"')).toBe(0);
    expect(m.get("probe_http_duration_seconds", 'phase="tls"')).toBe(0);
    expect(logs.join("\n")).toContain("Error for HTTP request");
  });

  test.each([
    ["by name with ca_file", "localhost", {}],
    ["by IP address, checked against the IP SANs", "127.0.0.1", {}],
    ["by IP address with server_name", "127.0.0.1", { server_name: "localhost" }],
  ])("succeeds %s and writes the TLS families", async (_name, host, tlsExtra) => {
    const section = { tls_config: { ca_file: certs.ca, ...tlsExtra } };
    const { success, m } = await runProbe(url(https, host), section);
    expect(success).toBe(true);
    expect(m.get("probe_http_ssl")).toBe(1);
    expect(m.get("probe_ssl_earliest_cert_expiry")).toBe(expiry);
    expect(m.get("probe_ssl_last_chain_expiry_timestamp_seconds")).toBe(expiry);
    expect(m.get("probe_tls_version_info", 'version="TLS 1.3"')).toBe(1);
    const info = [...m.values.keys()].find((k) => k.startsWith("probe_ssl_last_chain_info"));
    expect(info).toContain(
      'issuer="CN=Outpost Test CA",subject="CN=localhost",subjectalternative="localhost"',
    );
    expect(m.get("probe_http_duration_seconds", 'phase="tls"')).toBeGreaterThan(0);
  });

  test("a server_name the certificate does not cover fails", async () => {
    const section = { tls_config: { ca_file: certs.ca, server_name: "example.com" } };
    expect((await runProbe(url(https, "127.0.0.1"), section)).success).toBe(false);
  });

  test("insecure_skip_verify succeeds and reports no verified chain", async () => {
    const { success, m } = await runProbe(url(https), {
      tls_config: { insecure_skip_verify: true },
    });
    expect(success).toBe(true);
    expect(m.get("probe_ssl_last_chain_expiry_timestamp_seconds")).toBe(-62135596800);
  });

  test("fail_if_ssl fails a response over TLS but keeps its families", async () => {
    const { success, m } = await runProbe(url(https), { ...withCa(), fail_if_ssl: true });
    expect(success).toBe(false);
    expect(m.get("probe_http_status_code")).toBe(200);
    expect(m.get("probe_http_ssl")).toBe(1);
    expect(m.get("probe_failed_due_to_regex")).toBe(0);
  });

  test("a server requiring a client certificate refuses a probe without one", async () => {
    const { success, m } = await runProbe(url(mutual), withCa());
    expect(success).toBe(false);
    expect(m.get("probe_http_status_code")).toBe(0);
    // TLS 1.3: the handshake completes before the server rejects, as blackbox also shows.
    expect(m.get("probe_http_duration_seconds", 'phase="tls"')).toBeGreaterThan(0);
  });

  test("a client certificate from cert_file and key_file is accepted", async () => {
    const section = {
      tls_config: { ca_file: certs.ca, cert_file: certs.clientCert, key_file: certs.clientKey },
    };
    const { success, m } = await runProbe(url(mutual), section);
    expect(success).toBe(true);
    expect(m.get("probe_http_ssl")).toBe(1);
  });

  test("probe_http_ssl describes the final response: a redirect to http ends without TLS", async () => {
    const { success, m } = await runProbe(url(https, "localhost", "/toplain"), withCa());
    expect(success).toBe(true);
    expect(m.get("probe_http_redirects")).toBe(1);
    expect(m.get("probe_http_ssl")).toBe(0);
    expect(m.names().filter((n) => TLS_FAMILIES.includes(n))).toEqual([]);
    expect(m.get("probe_http_duration_seconds", 'phase="tls"')).toBeGreaterThan(0);
  });

  test("fail_if_not_ssl passes over TLS", async () => {
    expect((await runProbe(url(https), { ...withCa(), fail_if_not_ssl: true })).success).toBe(true);
  });
});
