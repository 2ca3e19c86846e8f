/**
 * The two rule evaluators the rule benchmark compares, each scraping the workload exporter
 * every 15 s and loading one rule file that starts empty (the baseline) and is filled and
 * reloaded later: Debian's Prometheus 2.42, and Outpost as deployed (an agent scraping into
 * nats-server, an aggregator evaluating the rules and reading them back from its head).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import { startAggregatorProcess, testAggregatorYaml } from "../../test/harness/aggregator.ts";
import { startNatsServer } from "../../test/harness/nats.ts";
import { freePort } from "../../test/harness/ports.ts";
import { startAgent } from "./agent_process.ts";
import { shippedEnv } from "./notify_peers.ts";
import { childPidWithArg } from "./proc.ts";
import { startPrometheus } from "./prometheus.ts";
import { outpostReader, prometheusReader, type Reader } from "./rule_lag.ts";
import { NO_RULES } from "./rules_workload.ts";

const INTERVAL_MS = 15_000;

/** One side of the comparison, running. */
export interface RuleSide {
  /** Where its /metrics and Prometheus API answer. */
  readonly url: string;
  /** The process that evaluates rules. */
  readonly pid: number;
  /** Processes besides `pid` whose cost the rules may raise (Outpost's nats-server), by name. */
  readonly helpers: Readonly<Record<string, number>>;
  /** Reads its rule-group gauges. */
  readonly reader: Reader;
  /** Writes `rules` to its rule file and reloads it. */
  load(rules: string): Promise<void>;
  stop(): Promise<void>;
}

/** Alerts of `/api/v1/alerts` in state `firing`. */
export async function firingAlerts(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as {
    data: { alerts: { state: string }[] };
  };
  return body.data.alerts.filter((a) => a.state === "firing").length;
}

/** Waits until `/api/v1/rules` lists `groups` groups. */
async function waitForGroups(url: string, groups: number, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const body = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
      data: { groups: unknown[] };
    };
    if (body.data.groups.length === groups) return;
    await Bun.sleep(100);
  }
  throw new Error(`Cannot reload the rules of ${what}: ${groups} groups not listed after 30 s`);
}

/** Prometheus 2.42 scraping `target` every 15 s, rules reloaded by SIGHUP. */
export async function startPrometheusSide(dir: string, target: string): Promise<RuleSide> {
  mkdirSync(join(dir, "data"), { recursive: true });
  const rules = join(dir, "rules.yml");
  writeFileSync(rules, NO_RULES);
  const config = `global:
  scrape_interval: 15s
  evaluation_interval: 15s
rule_files: [${rules}]
scrape_configs:
  - job_name: bench
    static_configs: [{targets: ["${target}"]}]
`;
  const prom = await startPrometheus(join(dir, "data"), { config });
  return {
    url: prom.url,
    pid: prom.pid,
    helpers: {},
    reader: prometheusReader(INTERVAL_MS),
    async load(text) {
      writeFileSync(rules, text);
      process.kill(prom.pid, "SIGHUP");
      await waitForGroups(prom.url, (text.match(/- name:/g) ?? []).length, "Prometheus");
    },
    stop: () => prom.stop(),
  };
}

/** nats-server, an aggregator with the rule file, and an agent scraping `target` every 15 s. */
export async function startOutpostSide(dir: string, target: string): Promise<RuleSide> {
  const nats = await startNatsServer();
  const natsPid = childPidWithArg(nats.storeDir);
  const aggDir = join(dir, "agg");
  mkdirSync(aggDir, { recursive: true });
  const rules = join(aggDir, "rules.yml");
  writeFileSync(rules, NO_RULES);
  const path = join(aggDir, "agg.yaml");
  const yaml = `${testAggregatorYaml({
    id: "bench",
    natsUrl: nats.url,
    dataDir: aggDir,
    storage: { type: "dir", path: join(dir, "bucket") },
    httpPort: await freePort(),
    flushInterval: "1m", // the production default
    ackWait: "2m",
  })}rule_files: [rules.yml]\nglobal: {evaluation_interval: 15s}\n`;
  writeFileSync(path, yaml);
  const stops: (() => Promise<unknown>)[] = [() => nats.dispose()];
  const stop = async () => {
    for (let s = stops.pop(); s; s = stops.pop()) await s();
  };
  try {
    const agg = await startAggregatorProcess(
      path,
      parseAggregatorConfig(yaml, path),
      shippedEnv(profileEnv()),
    );
    stops.push(() => agg.stop());
    const agent = await startAgent({
      id: "bench",
      natsUrl: nats.url,
      scrapeConfigs: `scrape_configs:\n  - job_name: bench\n    scrape_interval: 15s\n    static_configs: [{targets: ["${target}"]}]\n`,
    });
    stops.push(() => agent.stop());
    return {
      url: agg.url,
      pid: agg.proc.pid,
      helpers: natsPid === null ? {} : { nats: natsPid },
      reader: outpostReader,
      async load(text) {
        writeFileSync(rules, text);
        const res = await fetch(`${agg.url}/-/reload`, { method: "POST" });
        if (!res.ok) throw new Error(`Cannot reload Outpost's rules: ${await res.text()}`);
        await waitForGroups(agg.url, (text.match(/- name:/g) ?? []).length, "Outpost");
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * With `BENCH_CPU_PROF_DIR` set, the aggregator writes a CPU profile there when it stops (as
 * markdown, and as `.cpuprofile` JSON that bench/lib/cpu_profile.ts splits by area): where the
 * rules' CPU goes.
 */
function profileEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-md --cpu-prof-dir=${dir}` } : {};
}
