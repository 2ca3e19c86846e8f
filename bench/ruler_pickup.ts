/**
 * How soon a changed rule group is in force, from the change to `/api/v1/rules` listing it:
 * Outpost's ruler API (uploaded to one aggregator, listed by the other, which learns it through
 * NATS KV) against Debian's Prometheus 2.42 (rule file rewritten and reloaded, listed by
 * the same Prometheus; its reload by SIGHUP), measured in the same run, one change at a time. Neither side
 * evaluates anything meanwhile (each group is `vector(1)` every 1 h).
 *
 *   bun bench/ruler_pickup.ts [--changes N]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startInProcessAggregator } from "../test/harness/aggregator.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { startPrometheus } from "./lib/prometheus.ts";

const { values } = parseArgs({ options: { changes: { type: "string", default: "40" } } });
const CHANGES = Number(values.changes);
const dir = mkdtempSync(join(tmpdir(), "outpost-bench-ruler-"));

const group = (i: number) =>
  `name: g${i}\ninterval: 1h\nrules:\n  - record: bench:g${i}\n    expr: vector(1)\n`;

/** Polls `url`'s `/api/v1/rules` until it lists group `name` (10 s at most); ms from `since`. */
async function listed(url: string, name: string, since: number): Promise<number> {
  while (performance.now() - since < 10_000) {
    const body = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string }[] };
    };
    if (body.data.groups.some((g) => g.name === name)) return performance.now() - since;
    await Bun.sleep(2);
  }
  throw new Error(`Cannot see group ${name} at ${url}: not listed within 10 s`);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function report(side: string, ms: number[]): void {
  console.log(`ruler_pickup_${side}_p50 ${quantile(ms, 0.5).toFixed(1)} ms`);
  console.log(`ruler_pickup_${side}_p99 ${quantile(ms, 0.99).toFixed(1)} ms`);
}

const nats = await startNatsServer();
const [a, b] = [
  await startInProcessAggregator(dir, nats.url, "", "one"),
  await startInProcessAggregator(dir, nats.url, "", "two"),
];
mkdirSync(join(dir, "prom"));
const rulesFile = join(dir, "prom-rules.yml");
writeFileSync(rulesFile, "groups: []\n");
const prom = await startPrometheus(join(dir, "prom", "tsdb"), {
  config: `global: {scrape_interval: 15s}\nrule_files: [${rulesFile}]\nscrape_configs: []\n`,
});
try {
  const outpost: number[] = [];
  const prometheus: number[] = [];
  const promGroups: string[] = [];
  for (let i = 0; i < CHANGES; i++) {
    let t = performance.now();
    const r = await fetch(`${a.url}/prometheus/config/v1/rules/bench`, {
      method: "POST",
      body: group(i),
    });
    if (r.status !== 202) throw new Error(`Cannot upload a group: ${r.status} ${await r.text()}`);
    outpost.push(await listed(b.url, `g${i}`, t));
    // The group as an entry of a rule file's `groups:` list.
    promGroups.push(`  - ${group(i).trimEnd().replaceAll("\n", "\n    ")}`);
    t = performance.now();
    writeFileSync(rulesFile, `groups:\n${promGroups.join("\n")}\n`);
    // SIGHUP: bench/lib/prometheus.ts starts it without --web.enable-lifecycle (no /-/reload).
    process.kill(prom.pid, "SIGHUP");
    prometheus.push(await listed(prom.url, `g${i}`, t));
  }
  console.log(`# ${CHANGES} changes; the machine is shared (2 cores, other work running)`);
  report("outpost_other_aggregator", outpost);
  report("prometheus_reload", prometheus);
} finally {
  await prom.stop();
  await a.stop();
  await b.stop();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
