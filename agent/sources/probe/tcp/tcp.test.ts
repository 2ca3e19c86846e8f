// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { stringify } from "yaml";
import { logger } from "../../../../shared/log/log.ts";
import { startBlackboxExporter } from "../../../../test/harness/blackbox.ts";
import { freePort } from "../../../../test/harness/ports.ts";
import { differences, parseExposition, RecordingWriter } from "../testkit.ts";
import { tcpProbeSchema } from "./config.ts";
import { probeTcp } from "./tcp.ts";
import { makeCert, startServers, type TestServers } from "./testservers.ts";

const cert = makeCert();
let servers: TestServers;
let closedPort: number;

/** Modules as blackbox_exporter's config has them; ours parses the same `tcp` sections. */
const modules: Record<string, { timeout: string; tcp?: Record<string, unknown> }> = {
  connect: { timeout: "1s" },
  connect_ip4: { timeout: "1s", tcp: { preferred_ip_protocol: "ip4" } },
  banner: {
    timeout: "1s",
    tcp: {
      query_response: [
        { expect: "^220 ([^ ]+) (?P<word>\\w+)", send: "EHLO ${1} $word $$ $2x ${3}" },
        { expect: "^250 OK" },
        { send: "QUIT" },
        { expect: "^221" },
      ],
    },
  },
  from_127_0_0_2: {
    timeout: "1s",
    tcp: {
      source_ip_address: "127.0.0.2",
      query_response: [{ expect: "^220", send: "QUIT" }, { expect: "^221" }],
    },
  },
  nomatch: { timeout: "500ms", tcp: { query_response: [{ expect: "^nomatch" }] } },
  tls_short: { timeout: "300ms", tcp: { tls: true, tls_config: { insecure_skip_verify: true } } },
  tls: { timeout: "1s", tcp: { tls: true, tls_config: { insecure_skip_verify: true } } },
  tls_verified: { timeout: "1s", tcp: { tls: true, tls_config: { ca_file: cert.certFile } } },
  tls_untrusted: { timeout: "1s", tcp: { tls: true } },
  starttls: {
    timeout: "1s",
    tcp: {
      tls_config: { insecure_skip_verify: true },
      query_response: [
        { expect: "^220", send: "STARTTLS" },
        { expect: "^220", starttls: true },
        { expect: "^220 secured" },
      ],
    },
  },
};

function config(module: string) {
  return tcpProbeSchema.parse(modules[module].tcp ?? {});
}

async function probe(target: string, module: string) {
  const w = new RecordingWriter();
  const ms =
    Number.parseFloat(modules[module].timeout) *
    (modules[module].timeout.endsWith("ms") ? 1 : 1000);
  const ok = await probeTcp({
    target,
    config: config(module),
    w,
    signal: AbortSignal.timeout(ms),
    log: logger("probe-tcp-test"),
  });
  return { ok, w };
}

beforeAll(async () => {
  servers = await startServers(cert);
  closedPort = await freePort();
});

afterAll(() => servers.close());

const at = (server: keyof TestServers["ports"], host = "127.0.0.1") =>
  `${host}:${servers.ports[server]}`;

/** Each behaviour: target, module, whether the probe succeeds, probe_failed_due_to_regex. */
const cases: [string, () => string, string, boolean, number][] = [
  ["a listening port", () => at("banner"), "connect", true, 0],
  ["a name with an IPv4 preference", () => at("banner", "localhost"), "connect_ip4", true, 0],
  ["a closed port", () => `127.0.0.1:${closedPort}`, "connect", false, 0],
  ["an SMTP-like exchange with group expansion", () => at("banner"), "banner", true, 0],
  ["a source address", () => at("banner"), "from_127_0_0_2", true, 0],
  ["a server that never answers", () => at("silent"), "nomatch", false, 0],
  ["a server that resets", () => at("reset"), "nomatch", false, 0],
  ["a server that closes before a match", () => at("closing"), "nomatch", false, 1],
  ["an IPv6 literal", () => `[::1]:${servers.ports.ipv6}`, "nomatch", false, 1],
  ["TLS without verification", () => at("tls"), "tls", true, 0],
  ["TLS verified by name", () => at("tls", "localhost"), "tls_verified", true, 0],
  ["TLS verified by IP address", () => at("tls"), "tls_verified", true, 0],
  ["TLS with an untrusted certificate", () => at("tls", "localhost"), "tls_untrusted", false, 0],
  ["TLS to a plain-text server", () => at("banner"), "tls", false, 0],
  ["TLS to a server that never answers", () => at("silent"), "tls_short", false, 0],
  ["STARTTLS", () => at("starttls", "localhost"), "starttls", true, 0],
  ["a target without a port", () => "127.0.0.1", "connect", false, 0],
];

describe("probeTcp()", () => {
  test.each(cases)("probes %s", async (_name, target, module, success, regexFailed) => {
    const { ok, w } = await probe(target(), module);
    expect(ok).toBe(success);
    expect(w.value("probe_failed_due_to_regex")).toBe(regexFailed);
  });

  test("probeTcp() sends the expanded line as blackbox_exporter does", async () => {
    servers.received.length = 0;
    await probe(at("banner"), "banner");
    expect(servers.received.map((r) => r.line)).toEqual([
      "EHLO mail.example.com ESMTP $  ",
      "QUIT",
    ]);
  });

  test("probeTcp() connects from source_ip_address", async () => {
    servers.received.length = 0;
    const { ok } = await probe(at("banner"), "from_127_0_0_2");
    expect(ok).toBe(true);
    expect(servers.received).toEqual([{ line: "QUIT", from: "127.0.0.2" }]);
  });

  test("probeTcp() gives up at the timeout during a TLS handshake", async () => {
    const started = performance.now();
    const { ok } = await probe(at("silent"), "tls_short");
    expect(ok).toBe(false);
    // The timeout (300 ms) ends it, not a default of seconds; the rest is slack for a loaded machine.
    expect(performance.now() - started).toBeLessThan(1_800);
  });
});

describe("probeTcp() beside blackbox_exporter 0.23", () => {
  test("writes the same families, series and values for every case", async () => {
    const yaml = stringify({
      modules: Object.fromEntries(
        Object.entries(modules).map(([name, m]) => [name, { prober: "tcp", ...m }]),
      ),
    });
    const blackbox = await startBlackboxExporter(yaml);
    try {
      const report: string[] = [];
      for (const [name, target, module, success] of cases) {
        const [ours, theirs] = await Promise.all([
          probe(target(), module),
          blackbox.probe(target(), module).then(parseExposition),
        ]);
        const diffs = differences(ours.w, theirs, ["probe_dns_lookup_time_seconds"]);
        const theirSuccess = theirs.samples.find((s) => s.name === "probe_success")?.value === 1;
        if (theirSuccess !== success) diffs.push(`probe_success: theirs ${theirSuccess}`);
        report.push(...diffs.map((d) => `${name}: ${d}`));
      }
      expect(report).toEqual(KNOWN_DIFFERENCES);
    } finally {
      await blackbox.stop();
    }
  }, 20_000);
});

/** Where our output may differ from blackbox_exporter 0.23's for these cases: nowhere. */
const KNOWN_DIFFERENCES: string[] = [];
