/**
 * The agent's probes side by side with Debian's blackbox_exporter: the same modules file, the
 * same local targets (HTTP and HTTPS with a self-signed certificate, an open and a closed TCP
 * port, a dnsmasq DNS server, localhost over ICMP). Both must write the same metric families
 * with the same label names, and agree on probe_success.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseAgentConfig } from "../../agent/config/load.ts";
import { ComponentMetrics } from "../../agent/pipeline/component.ts";
import { ProbeMetrics } from "../../agent/sources/probe/metrics.ts";
import { ProbeTarget } from "../../agent/sources/probe/target.ts";
import { logger } from "../../shared/log/log.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { type BlackboxHandle, startBlackboxExporter } from "../harness/blackbox.ts";
import { type DnsmasqHandle, startDnsmasq } from "../harness/dnsmasq.ts";
import { freePort } from "../harness/ports.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-probe-bb-"));
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");

let blackbox: BlackboxHandle;
let dns: DnsmasqHandle;
let http: ReturnType<typeof Bun.serve>;
let https: ReturnType<typeof Bun.serve>;
let tcp: Server;
let closedPort: number;

function modules() {
  return {
    http_2xx: { prober: "http", timeout: "3s" },
    http_insecure: {
      prober: "http",
      timeout: "3s",
      http: { tls_config: { insecure_skip_verify: true } },
    },
    http_ca: { prober: "http", timeout: "3s", http: { tls_config: { ca_file: cert } } },
    http_body: {
      prober: "http",
      timeout: "3s",
      http: { fail_if_body_not_matches_regexp: ["hello"], fail_if_body_matches_regexp: ["error"] },
    },
    tcp_connect: { prober: "tcp", timeout: "3s" },
    dns_a: {
      prober: "dns",
      timeout: "3s",
      dns: { query_name: "www.outpost.test", query_type: "A", preferred_ip_protocol: "ip4" },
    },
    dns_nx: {
      prober: "dns",
      timeout: "3s",
      dns: { query_name: "missing.outpost.test", query_type: "A", preferred_ip_protocol: "ip4" },
    },
    icmp: { prober: "icmp", timeout: "3s" },
  };
}

beforeAll(async () => {
  execFileSync("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30"],
    ...["-keyout", key, "-out", cert, "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
  ]);
  const fetch = (req: Request) =>
    new URL(req.url).pathname === "/missing"
      ? new Response("no", { status: 404 })
      : new Response("hello from outpost");
  http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
  https = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: Bun.file(cert), key: Bun.file(key) },
    fetch,
  });
  tcp = createServer((s) => s.end());
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  closedPort = await freePort();
  dns = await startDnsmasq(["--host-record=www.outpost.test,192.0.2.10"]);
  blackbox = await startBlackboxExporter(stringify({ modules: modules() }));
});

afterAll(async () => {
  await blackbox?.stop();
  await dns?.stop();
  http?.stop(true);
  https?.stop(true);
  tcp?.close();
});

/** One series as both sides render it: family name, label names (job/instance aside), value. */
interface Row {
  family: string;
  labels: string;
  value: number;
}

/** Parses the exporter's text into rows. */
function parseText(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`Cannot parse exporter line: ${line}`);
    const names = [...(m[2] ?? "").matchAll(/([a-zA-Z_]\w*)="/g)].map((x) => x[1]).sort();
    rows.push({ family: m[1], labels: names.join(","), value: Number(m[3]) });
  }
  return rows;
}

/** Runs the agent's probe once and returns its rows the same way. */
async function agentProbe(module: string, target: string): Promise<Row[]> {
  const config = parseAgentConfig(
    stringify({
      probes: { modules: modules(), jobs: [{ job_name: "bb", module, targets: [target] }] },
    }),
    join(dir, "agent.yaml"),
  );
  const rows: Row[] = [];
  const registry = new Registry();
  const labels = ["instance", target, "job", "bb"];
  const probe = new ProbeTarget("bb", target, 15_000, config.probes.modules[module], labels, {
    component: new ComponentMetrics(registry, "probe", "source", "probe"),
    metrics: new ProbeMetrics(registry),
    log: logger("probe-test"),
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++) {
          if (block.isStale(i)) continue;
          const l = block.series[i].labels;
          const names: string[] = [];
          let family = "";
          for (let j = 0; j < l.length; j += 2) {
            if (l[j] === "__name__") family = l[j + 1];
            else if (l[j] !== "job" && l[j] !== "instance") names.push(l[j]);
          }
          rows.push({ family, labels: names.sort().join(","), value: block.values[i] });
        }
      },
    },
  });
  await probe.probeOnce(Date.now(), new AbortController().signal);
  return rows;
}

const shape = (rows: Row[]) => [...new Set(rows.map((r) => `${r.family}{${r.labels}}`))].sort();
const success = (rows: Row[]) => rows.find((r) => r.family === "probe_success")?.value;

describe("probes beside blackbox_exporter", () => {
  const cases: [string, string, () => string, number][] = [
    ["http_2xx", "a plain HTTP server", () => `http://127.0.0.1:${http.port}/`, 1],
    ["http_2xx", "a 404", () => `http://127.0.0.1:${http.port}/missing`, 0],
    ["http_2xx", "a self-signed certificate", () => `https://localhost:${https.port}/`, 0],
    ["http_insecure", "insecure_skip_verify", () => `https://localhost:${https.port}/`, 1],
    ["http_ca", "the certificate's CA", () => `https://localhost:${https.port}/`, 1],
    ["http_body", "a body regex", () => `http://127.0.0.1:${http.port}/`, 1],
    [
      "tcp_connect",
      "an open TCP port",
      () => `127.0.0.1:${(tcp.address() as { port: number }).port}`,
      1,
    ],
    ["tcp_connect", "a closed TCP port", () => `127.0.0.1:${closedPort}`, 0],
    ["dns_a", "an A record", () => `127.0.0.1:${dns.port}`, 1],
    ["dns_nx", "NXDOMAIN", () => `127.0.0.1:${dns.port}`, 0],
    ["icmp", "localhost", () => "localhost", 1],
  ];
  test.each(cases)(
    "%s on %s: same families, labels and probe_success",
    async (module, _what, target, ok) => {
      const [ours, theirs] = await Promise.all([
        agentProbe(module, target()),
        blackbox.probe(target(), module).then(parseText),
      ]);
      expect(success(theirs)).toBe(ok);
      expect(success(ours)).toBe(ok);
      expect(shape(ours)).toEqual(shape(theirs));
    },
  );
});
