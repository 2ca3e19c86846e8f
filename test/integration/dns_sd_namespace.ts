/**
 * Run by dns_sd_prometheus.test.ts inside a network and mount namespace of its own
 * (`unshare --net --mount`): there dnsmasq can answer on port 53 of a loopback nobody else
 * uses, and /etc/resolv.conf can name it, so that Prometheus and Outpost both find their DNS
 * server the way they do on a host, from the real /etc/resolv.conf.
 *
 * It starts two exporters, dnsmasq with records naming them, and Prometheus 2.42 and Outpost's
 * Prometheus source on the same prometheus.yml; it prints one JSON line: each side's targets'
 * label sets once both have scraped them all. Usage: bun dns_sd_namespace.ts WORKDIR
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAgentConfig } from "../../agent/config/load.ts";
import { PrometheusSource } from "../../agent/sources/prometheus/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { dnsmasqCommand } from "../harness/dnsmasq.ts";

const dir = process.argv[2];
const run = (cmd: string[]) => {
  const r = Bun.spawnSync(cmd, { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString().trim()}`);
};
run(["ip", "link", "set", "lo", "up"]);
const resolvConf = join(dir, "resolv.conf");
writeFileSync(resolvConf, "nameserver 127.0.0.1\nsearch nowhere.test example.test\n");
run(["mount", "--bind", resolvConf, "/etc/resolv.conf"]);

const exporters = [9101, 9102].map((port) =>
  Bun.serve({ hostname: "::", port, fetch: () => new Response(`served_by ${port}\n`) }),
);
const dnsmasq = Bun.spawn(
  dnsmasqCommand(53, [
    "--local=/example.test/",
    "--srv-host=_metrics._tcp.example.test,node-a.example.test,9101,0,10",
    "--srv-host=_metrics._tcp.example.test,node-b.example.test,9102,0,20",
    "--host-record=node-a.example.test,127.0.0.1",
    "--host-record=node-b.example.test,127.0.0.1,::1",
    "--cname=exporter.example.test,node-b.example.test",
  ]),
  { stdout: "ignore", stderr: "inherit" },
);

const job = (name: string, sd: string) =>
  [
    `  - job_name: ${name}`,
    "    scrape_interval: 1s",
    "    scrape_timeout: 500ms",
    "    dns_sd_configs:",
    sd,
    "    relabel_configs:",
    "      - regex: __meta_dns_(.+)",
    "        action: labelmap",
    "        replacement: dns_$1",
  ].join("\n");
const config = [
  "scrape_configs:",
  job("srv", "      - names: [_metrics._tcp.example.test]\n        refresh_interval: 1s"),
  job(
    "a",
    "      - names: [node-b.example.test, exporter, gone.example.test]\n        type: A\n        port: 9101",
  ),
  job("aaaa", "      - names: [node-b.example.test]\n        type: AAAA\n        port: 9102"),
].join("\n");
const file = join(dir, "prometheus.yml");
writeFileSync(file, config);

const prometheus = Bun.spawn(
  [
    "prometheus",
    `--config.file=${file}`,
    "--web.listen-address=127.0.0.1:9090",
    `--storage.tsdb.path=${join(dir, "prom")}`,
  ],
  { stdout: "ignore", stderr: "ignore" },
);

const outpost = new Map<string, string>();
const source = new PrometheusSource({
  jobs: parseAgentConfig(config, file).scrape_configs,
  externalLabels: [],
  baseDir: dir,
  registry: new Registry(),
  consumer: {
    consume(block: SampleBlock) {
      for (let i = 0; i < block.length; i++) {
        const pairs: [string, string][] = [];
        const labels = block.series[i].labels;
        for (let j = 0; j < labels.length; j += 2) pairs.push([labels[j], labels[j + 1]]);
        if (!pairs.some(([k, v]) => k === "__name__" && v === "up")) continue;
        const rest = pairs.filter(([k]) => k !== "__name__").sort(([a], [b]) => (a < b ? -1 : 1));
        outpost.set(
          JSON.stringify(Object.fromEntries(rest)),
          block.values[i] === 1 ? "up" : "down",
        );
      }
    },
  },
});
source.start();

/** Prometheus's active targets' labels, once each has been scraped. */
async function prometheusTargets(): Promise<Map<string, string> | null> {
  try {
    const res = await fetch("http://127.0.0.1:9090/api/v1/targets?state=active");
    const body = (await res.json()) as {
      data: { activeTargets: { labels: Record<string, string>; health: string }[] };
    };
    const targets = body.data.activeTargets;
    if (targets.some((t) => t.health === "unknown")) return null;
    const sorted = (l: Record<string, string>) =>
      JSON.stringify(Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1))));
    return new Map(targets.map((t) => [sorted(t.labels), t.health]));
  } catch {
    return null;
  }
}

let peer: Map<string, string> | null = null;
for (let i = 0; i < 100; i++) {
  await Bun.sleep(200);
  peer = await prometheusTargets();
  if (peer !== null && peer.size > 0 && outpost.size >= peer.size) break;
}
await source.stop();
prometheus.kill();
dnsmasq.kill();
await Promise.all([prometheus.exited, dnsmasq.exited]);
for (const e of exporters) e.stop(true);
console.log(
  JSON.stringify({
    prometheus: [...(peer ?? [])].sort(),
    outpost: [...outpost].sort(),
  }),
);
