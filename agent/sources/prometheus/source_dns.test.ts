import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ResolverConfig } from "../../../shared/discovery/resolv_conf.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries } from "../../../shared/model/labels.ts";
import { type DnsmasqHandle, startDnsmasq } from "../../../test/harness/dnsmasq.ts";
import { parseAgentConfig } from "../../config/load.ts";
import { PrometheusSource } from "./source.ts";

const servers: ReturnType<typeof Bun.serve>[] = [];
/** Two DNS servers whose SRV records name the first or the second exporter. */
const dns: DnsmasqHandle[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i++)
    servers.push(
      Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(`served_by ${i}\n`) }),
    );
  // An SRV record's target may be an address: "127.0.0.1." becomes the target 127.0.0.1:port.
  for (const s of servers)
    dns.push(
      await startDnsmasq([
        `--srv-host=_metrics._tcp.example.test,127.0.0.1,${s.port}`,
        "--host-record=exporter.example.test,127.0.0.1",
        "--local=/example.test/",
      ]),
    );
});
afterAll(async () => {
  for (const s of servers) s.stop(true);
  for (const d of dns) await d.stop();
});

/** Waits up to 10 s for `what`, then asserts it. */
async function waitFor(what: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !what(); i++) await Bun.sleep(100);
  expect(what()).toBe(true);
}

function source(yaml: string, resolver: () => ResolverConfig, registry = new Registry()) {
  const seen: { series: string; stale: boolean }[] = [];
  const config = parseAgentConfig(`scrape_configs:\n${yaml}`, "/tmp/agent.yaml");
  const s = new PrometheusSource({
    jobs: config.scrape_configs,
    externalLabels: [],
    baseDir: "/tmp",
    registry,
    dnsResolver: resolver,
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++)
          seen.push({ series: formatSeries(block.series[i].labels), stale: block.isStale(i) });
      },
    },
  });
  return { source: s, seen };
}

const at = (i: number) => () => ({
  servers: [{ address: "127.0.0.1", port: dns[i].port }],
  search: [],
  ndots: 1,
});

test("dns_sd targets are scraped, their meta labels relabel, and a changed answer moves the scrapes", async () => {
  let server = 0;
  const registry = new Registry();
  const { source: s, seen } = source(
    [
      "  - job_name: srv",
      "    scrape_interval: 1s",
      "    scrape_timeout: 500ms",
      "    dns_sd_configs:",
      "      - names: [_metrics._tcp.example.test]",
      "        refresh_interval: 1s",
      "    relabel_configs:",
      "      - source_labels: [__meta_dns_name, __meta_dns_srv_record_port]",
      "        separator: '/'",
      "        target_label: record",
    ].join("\n"),
    () => at(server)(),
    registry,
  );
  s.start();
  try {
    const [a, b] = servers.map((x) => x.port as number);
    const up = (port: number) =>
      `up{instance="127.0.0.1:${port}", job="srv", record="_metrics._tcp.example.test/${port}"}`;
    await waitFor(() => seen.some((x) => x.series === up(a) && !x.stale));
    server = 1;
    await waitFor(() => seen.some((x) => x.series === up(b) && !x.stale));
    await waitFor(() => seen.some((x) => x.series === up(a) && x.stale));
    expect(s.targetCount).toBe(1);
    const text = registry.render();
    expect(text).toMatch(/outpost_agent_sd_dns_lookups_total\{job="srv"\} [1-9]/);
    expect(text).not.toMatch(/outpost_agent_sd_dns_lookup_failures_total\{job="srv"\} [1-9]/);
  } finally {
    await s.stop();
  }
});

test("update() of a job that keeps its dns_sd_configs goes on with its targets without a gap", async () => {
  const job = (interval: string) =>
    [
      "  - job_name: a",
      `    scrape_interval: ${interval}`,
      "    scrape_timeout: 500ms",
      "    dns_sd_configs:",
      "      - names: [exporter.example.test]",
      "        type: A",
      `        port: ${servers[0].port}`,
    ].join("\n");
  const { source: s, seen } = source(job("1s"), at(0));
  s.start();
  try {
    const up = `up{instance="127.0.0.1:${servers[0].port}", job="a"}`;
    await waitFor(() => seen.some((x) => x.series === up && !x.stale));
    const config = parseAgentConfig(`scrape_configs:\n${job("2s")}`, "/tmp/agent.yaml");
    await s.update(config.scrape_configs);
    // The new job starts with the targets the old one found: no staleness marker in between.
    const after = seen.length;
    await waitFor(() => seen.slice(after).some((x) => x.series === up && !x.stale));
    expect(seen.some((x) => x.series === up && x.stale)).toBe(false);
  } finally {
    await s.stop();
  }
});
