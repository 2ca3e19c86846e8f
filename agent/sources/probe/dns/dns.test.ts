import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { stringify } from "yaml";
import { logger } from "../../../../shared/log/log.ts";
import { startBlackboxExporter } from "../../../../test/harness/blackbox.ts";
import { type DnsmasqHandle, startDnsmasq } from "../../../../test/harness/dnsmasq.ts";
import { freePort } from "../../../../test/harness/ports.ts";
import { makeCert } from "../tcp/testservers.ts";
import { differences, parseExposition, RecordingWriter } from "../testkit.ts";
import { dnsProbeSchema } from "./config.ts";
import { parseDnsTarget, probeDns } from "./dns.ts";
import { type DnsTestServers, EXAMPLE_ZONE, startDnsTestServers } from "./testservers.ts";

/** Each record type dnsmasq serves: query name and the record's text as blackbox_exporter prints it. */
const RECORDS: [string, string, string][] = [
  ["A", "www.example.test", "www.example.test.\t600\tIN\tA\t192.0.2.10"],
  ["AAAA", "www.example.test", "www.example.test.\t600\tIN\tAAAA\t2001:db8::10"],
  ["CNAME", "alias.example.test", "alias.example.test.\t600\tIN\tCNAME\twww.example.test."],
  ["MX", "example.test", "example.test.\t600\tIN\tMX\t10 mail.example.test."],
  ["NS", "example.test", "example.test.\t600\tIN\tNS\tns1.example.test."],
  ["TXT", "example.test", 'example.test.\t600\tIN\tTXT\t"v=spf1 -all" "second \\"q\\" ok"'],
  [
    "SRV",
    "_http._tcp.example.test",
    "_http._tcp.example.test.\t600\tIN\tSRV\t5 20 8080 www.example.test.",
  ],
  [
    "SOA",
    "example.test",
    "example.test.\t600\tIN\tSOA\tns1.example.test. hostmaster.example.test. 2024010101 1200 180 1209600 600",
  ],
  ["PTR", "10.2.0.192.in-addr.arpa", "10.2.0.192.in-addr.arpa.\t600\tIN\tPTR\twww.example.test."],
  ["CAA", "caa.example.test", 'caa.example.test.\t600\tIN\tCAA\t0 issue "letsencrypt.org"'],
];

type Section = Record<string, unknown>;
const www = { query_name: "www.example.test", query_type: "A" };

/** Modules as blackbox_exporter's config has them; ours parses the same `dns` sections. */
const modules: Record<string, { timeout: string; dns: Section }> = {};
for (const [type, name, text] of RECORDS)
  for (const transport_protocol of ["udp", "tcp"])
    modules[`${type}_${transport_protocol}`] = {
      timeout: "2s",
      dns: {
        query_name: name,
        query_type: type,
        transport_protocol,
        validate_answer_rrs: { fail_if_not_matches_regexp: [`^\\Q${text}\\E$`] },
      },
    };
const more: Record<string, Section> = {
  nxdomain: { query_name: "nope.example.test", query_type: "A" },
  nxdomain_valid: { query_name: "nope.example.test", query_type: "A", valid_rcodes: ["NXDOMAIN"] },
  any: { query_name: "www.example.test" },
  answer_matches: { ...www, validate_answer_rrs: { fail_if_matches_regexp: ["192\\.0\\.2\\."] } },
  answer_none_matches: {
    ...www,
    validate_answer_rrs: { fail_if_none_matches_regexp: ["10\\.0\\."] },
  },
  answer_all_match: { ...www, validate_answer_rrs: { fail_if_all_match_regexp: ["AAAA"] } },
  authority_ns: { ...www, validate_authority_rrs: { fail_if_not_matches_regexp: ["\\tNS\\t"] } },
  additional_none: { ...www, validate_additional_rrs: { fail_if_none_matches_regexp: ["."] } },
  truncated_udp: { query_name: "big.example.test", query_type: "TXT" },
  truncated_tcp: { query_name: "big.example.test", query_type: "TXT", transport_protocol: "tcp" },
  no_recursion: { ...www, recursion_desired: false },
  source_ip: { ...www, source_ip_address: "127.0.0.1" },
  ip4: { ...www, preferred_ip_protocol: "ip4" },
  wrong_id_tcp: { ...www, transport_protocol: "tcp" },
};
for (const [name, dns] of Object.entries(more)) modules[name] = { timeout: "2s", dns };
modules.short = { timeout: "300ms", dns: www };

let dnsmasq: DnsmasqHandle;
let servers: DnsTestServers;
let closedPort: number;
const cert = makeCert();
const tls = (extra: Section) => ({
  ...www,
  transport_protocol: "tcp",
  dns_over_tls: true,
  tls_config: extra,
});
modules.dot = { timeout: "2s", dns: tls({ insecure_skip_verify: true }) };
modules.dot_verified = { timeout: "2s", dns: tls({ ca_file: cert.certFile }) };
modules.dot_untrusted = { timeout: "2s", dns: tls({}) };

async function probe(target: string, module: string) {
  const w = new RecordingWriter();
  const { timeout, dns } = modules[module];
  const ms = Number.parseFloat(timeout) * (timeout.endsWith("ms") ? 1 : 1000);
  const config = dnsProbeSchema.parse(dns);
  const signal = AbortSignal.timeout(ms);
  const ok = await probeDns({ target, config, w, signal, log: logger("probe-dns-test") });
  return { ok, w };
}

const local = (port: () => number) => () => `127.0.0.1:${port()}`;
const dnsmasqAt = local(() => dnsmasq.port);

/** A behaviour: name, target, module, success, probe_dns_answer_rrs. */
type Case = [string, () => string, string, boolean, number];
const cases: Case[] = [
  ...RECORDS.flatMap(([type]) =>
    ["udp", "tcp"].map(
      (p): Case => [`${type} records over ${p}`, dnsmasqAt, `${type}_${p}`, true, 1],
    ),
  ),
  ["a missing name", dnsmasqAt, "nxdomain", false, 0],
  ["a missing name with NXDOMAIN valid", dnsmasqAt, "nxdomain_valid", true, 0],
  ["type ANY (the default)", dnsmasqAt, "any", true, 0],
  ["an answer matching fail_if_matches_regexp", dnsmasqAt, "answer_matches", false, 1],
  ["an answer matching no fail_if_none_matches_regexp", dnsmasqAt, "answer_none_matches", false, 1],
  ["an answer not all matching fail_if_all_match_regexp", dnsmasqAt, "answer_all_match", false, 1],
  ["an authority section of NS records", dnsmasqAt, "authority_ns", true, 1],
  ["an empty additional section that must match", dnsmasqAt, "additional_none", false, 1],
  ["a truncated UDP answer, taken as it is", dnsmasqAt, "truncated_udp", true, 6],
  ["the same answer over TCP", dnsmasqAt, "truncated_tcp", true, 12],
  ["a question without recursion desired", dnsmasqAt, "no_recursion", true, 1],
  ["a query from source_ip_address", dnsmasqAt, "source_ip", true, 1],
  ["a name target with an IPv4 preference", () => `localhost:${dnsmasq.port}`, "ip4", true, 1],
  ["a server that never answers", local(() => servers.ports.silent), "short", false, 0],
  ["a server that answers garbage", local(() => servers.ports.garbage), "short", false, 0],
  ["an answer to another query first", local(() => servers.ports.late), "short", true, 1],
  [
    "a TCP answer with the wrong id",
    local(() => servers.ports.wrongIdTcp),
    "wrong_id_tcp",
    false,
    0,
  ],
  ["a closed UDP port", local(() => closedPort), "short", false, 0],
  ["a closed TCP port", local(() => closedPort), "wrong_id_tcp", false, 0],
  ["DNS over TLS without verification", local(() => servers.ports.dot), "dot", true, 1],
  [
    "DNS over TLS verified by name",
    () => `localhost:${servers.ports.dot}`,
    "dot_verified",
    true,
    1,
  ],
  [
    "DNS over TLS with an untrusted certificate",
    local(() => servers.ports.dot),
    "dot_untrusted",
    false,
    0,
  ],
];

describe("probeDns()", () => {
  beforeAll(async () => {
    dnsmasq = await startDnsmasq(EXAMPLE_ZONE);
    servers = await startDnsTestServers(cert, dnsmasq.port);
    closedPort = await freePort();
  });

  afterAll(async () => {
    await servers?.close();
    await dnsmasq?.stop();
    rmSync(cert.dir, { recursive: true, force: true });
  });

  test.each(cases)("probes %s", async (_, target, module, success, answers) => {
    const { ok, w } = await probe(target(), module);
    expect(ok).toBe(success);
    expect(w.value("probe_dns_answer_rrs")).toBe(answers);
  });

  test("reports the zone serial of an SOA answer", async () => {
    const { w } = await probe(dnsmasqAt(), "SOA_udp");
    expect(w.value("probe_dns_serial")).toBe(2024010101);
    expect((await probe(dnsmasqAt(), "A_udp")).w.value("probe_dns_serial")).toBeUndefined();
  });

  test("gives up when the signal aborts, writing every family", async () => {
    const started = performance.now();
    const { ok, w } = await probe(`127.0.0.1:${servers.ports.silent}`, "short");
    expect(ok).toBe(false);
    // The timeout (300 ms) ends it, not a default of seconds; the rest is slack for a loaded machine.
    expect(performance.now() - started).toBeLessThan(1_800);
    expect(w.value("probe_dns_query_succeeded")).toBe(0);
    expect(w.value("probe_dns_duration_seconds", 'phase="request"')).toBeGreaterThan(0.25);
  });

  test("writes what blackbox_exporter 0.23 writes in every case", async () => {
    const yaml = stringify({
      modules: Object.fromEntries(
        Object.entries(modules).map(([n, m]) => [n, { prober: "dns", ...m }]),
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
        const diffs = differences(ours.w, theirs, [
          "probe_dns_lookup_time_seconds",
          "probe_dns_duration_seconds",
        ]);
        const theirSuccess = theirs.samples.find((s) => s.name === "probe_success")?.value === 1;
        if (theirSuccess !== success) diffs.push(`probe_success: theirs ${theirSuccess}`);
        report.push(...diffs.map((d) => `${name}: ${d}`));
      }
      expect(report).toEqual(KNOWN_DIFFERENCES);
    } finally {
      await blackbox.stop();
    }
  }, 30_000);
});

/** Where our output may differ from blackbox_exporter 0.23's for these cases. */
const KNOWN_DIFFERENCES: string[] = [];

test.each([
  ["127.0.0.1:5353", "127.0.0.1", "5353"],
  ["dns.example.com", "dns.example.com", "53"],
  ["[::1]:5353", "::1", "5353"],
  ["2001:db8::1", "2001:db8::1", "53"],
  ["host:", "host", ""],
])("parseDnsTarget(%p) gives host %p and port %p", (target, host, port) => {
  expect(parseDnsTarget(target, 53)).toEqual({ host, port });
});
