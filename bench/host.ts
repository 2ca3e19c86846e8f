/**
 * CPU cost of the host source (agent/sources/host) per collection on this machine, next to
 * node_exporter's own CPU per scrape: once with its defaults, and once restricted to the
 * collectors the host source has, which is the fair comparison.
 *
 *   bun bench/host.ts [--quick]
 *
 * The host source's CPU is process.cpuUsage() over N collections of real /proc and /sys (after
 * a warm-up), the whole pipeline front included: collectors, SeriesEmitter, block hand-off.
 * node_exporter's is utime + stime of its process over N sequential scrapes (clock ticks, so
 * N is large enough for a 1 % resolution); its HTTP and encoding work is part of its cost.
 */
import { parseArgs } from "node:util";
import type { HostCollector } from "../agent/sources/host/collector.ts";
import { HOST_COLLECTORS } from "../agent/sources/host/collectors/index.ts";
import { hostSchema, normalizeHostConfig } from "../agent/sources/host/config.ts";
import { HostSource } from "../agent/sources/host/source.ts";
import { Registry } from "../shared/metrics/registry.ts";
import type { SampleBlock } from "../shared/model/block.ts";
import { startNodeExporterWith } from "../test/harness/node_exporter.ts";
import { report } from "./lib/pipeline.ts";
import { cpuSeconds } from "./lib/proc.ts";
import { progress } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean", default: false } },
  strict: false,
});
const N = flags.quick ? 50 : 200;
const WARM_UP = 10;

/** A host source over the real host with `collectors`, counting the samples of each collection. */
function hostSource(collectors: HostCollector[]) {
  const config = normalizeHostConfig(hostSchema.parse({ enabled: true }), "/", "bench");
  const counts = { samples: 0 };
  const source = new HostSource({
    config,
    collectors,
    externalLabels: [],
    registry: new Registry(),
    consumer: {
      consume(block: SampleBlock) {
        counts.samples = 0;
        for (let i = 0; i < block.length; i++) if (!block.isStale(i)) counts.samples++;
      },
    },
  });
  return { source, counts };
}

/** CPU ms per collection of a host source with `collectors`, and its samples per collection. */
async function measureHost(
  collectors: HostCollector[],
): Promise<{ cpuMs: number; samples: number }> {
  const { source, counts } = hostSource(collectors);
  const start = Date.now();
  for (let i = 0; i < WARM_UP; i++) await source.collectOnce(start + i * 15_000);
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await source.collectOnce(start + (WARM_UP + i) * 15_000);
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000 / N, samples: counts.samples };
}

/** node_exporter's CPU ms per scrape with `args`, over N scrapes after a warm-up. */
async function measureNodeExporter(args: string[]): Promise<number> {
  const node = await startNodeExporterWith(args);
  try {
    for (let i = 0; i < WARM_UP; i++) await node.scrape();
    const before = cpuSeconds(node.pid);
    for (let i = 0; i < N; i++) await node.scrape();
    return ((cpuSeconds(node.pid) - before) * 1000) / N;
  } finally {
    await node.stop();
  }
}

const names = Object.keys(HOST_COLLECTORS);
progress(`host source: ${N} collections with ${names.join(", ")}`);
const all = await measureHost(names.map((n) => HOST_COLLECTORS[n]));
report("host_source_cpu_per_collection", all.cpuMs, "ms");
report("host_source_samples_per_collection", all.samples, "samples");
// processes is off in node_exporter by default and costs the most: the figures without it.
const lean = names.filter((n) => n !== "processes");
const withoutProcesses = await measureHost(lean.map((n) => HOST_COLLECTORS[n]));
report("host_source_without_processes_cpu_per_collection", withoutProcesses.cpuMs, "ms");
for (const name of names) {
  const one = await measureHost([HOST_COLLECTORS[name]]);
  report(`host_collector_${name}_cpu_per_collection`, one.cpuMs, "ms");
}

progress(`node_exporter: ${N} scrapes with its defaults, then with the same collectors`);
const defaults = await measureNodeExporter([]);
report("node_exporter_defaults_cpu_per_scrape", defaults, "ms");
const same = await measureNodeExporter([
  "--collector.disable-defaults",
  ...names.map((n) => `--collector.${n}`),
]);
report("node_exporter_same_collectors_cpu_per_scrape", same, "ms");
report("host_source_to_node_exporter_cpu_ratio", all.cpuMs / same, "ratio");
const sameLean = await measureNodeExporter([
  "--collector.disable-defaults",
  ...lean.map((n) => `--collector.${n}`),
]);
report("node_exporter_same_collectors_without_processes_cpu_per_scrape", sameLean, "ms");
report(
  "host_source_to_node_exporter_cpu_ratio_without_processes",
  withoutProcesses.cpuMs / sameLean,
  "ratio",
);
