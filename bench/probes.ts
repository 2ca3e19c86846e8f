/**
 * What blackbox probes cost the agent: an agent process probing 100 HTTP targets every 15 s
 * (goal: < 1 % of a core), next to an idle agent (no scrapes, no probes) measured the same way,
 * so the probes' own share is the difference. The targets are served by a process of their own,
 * so only the agent's CPU is counted.
 *
 *   bun bench/probes.ts [--minutes 2] [--targets 100]
 *   bun bench/probes.ts --quick       30 s windows
 */
import { parseArgs } from "node:util";
import { type NatsServerHandle, startNatsServer } from "../test/harness/nats.ts";
import { freePort } from "../test/harness/ports.ts";
import { type AgentProcess, startAgent, total } from "./lib/agent_process.ts";
import { report } from "./lib/pipeline.ts";
import { mb, startMeter, type Usage } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    minutes: { type: "string", default: "2" },
    targets: { type: "string", default: "100" },
  },
  strict: false,
});
const windowSeconds = flags.quick ? 30 : Number(flags.minutes) * 60;
const TARGETS = Number(flags.targets);
const INTERVAL_S = 15;

/** A small web server in a child process: each probe gets a 2 KB page. */
async function startWebServer(teardown: Teardown): Promise<number> {
  const port = await freePort();
  const page = "x".repeat(2048);
  const proc = Bun.spawn(
    [
      process.execPath,
      "-e",
      `Bun.serve({ hostname: "127.0.0.1", port: ${port}, fetch: () => new Response(${JSON.stringify(page)}) })`,
    ],
    { stdin: "ignore", stdout: "ignore", stderr: "inherit" },
  );
  teardown.defer("the web server", async () => {
    proc.kill();
    await proc.exited;
  });
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return port;
    await Bun.sleep(50);
  }
  throw new Error("Cannot start the web server for the probes");
}

function probesYaml(port: number): string {
  const targets = Array.from({ length: TARGETS }, (_, i) => `http://127.0.0.1:${port}/page/${i}`);
  return [
    "probes:",
    "  modules:",
    "    http_2xx: {prober: http, timeout: 5s}",
    "  jobs:",
    "    - job_name: web",
    "      module: http_2xx",
    `      interval: ${INTERVAL_S}s`,
    `      targets: ${JSON.stringify(targets)}`,
    "",
  ].join("\n");
}

async function measure(name: string, agent: AgentProcess): Promise<Usage> {
  progress(`${name}: measuring for ${windowSeconds} s`);
  const meter = startMeter(agent.pid);
  await Bun.sleep(windowSeconds * 1000);
  return meter.stop();
}

async function run(nats: NatsServerHandle, teardown: Teardown): Promise<void> {
  const port = await startWebServer(teardown);
  const idle = await startAgent({ id: "idle", natsUrl: nats.url, scrapeConfigs: "" });
  teardown.defer("the idle agent", () => idle.stop());
  await Bun.sleep(5_000);
  const idleUsage = await measure("idle agent", idle);
  const agent = await startAgent({
    id: "probes",
    natsUrl: nats.url,
    scrapeConfigs: probesYaml(port),
  });
  teardown.defer("the probing agent", () => agent.stop());
  progress(`probes: warming up (every target probed once, one batch acknowledged)`);
  await agent.waitFor(
    "the warm-up",
    (m) =>
      total(m, "outpost_probe_runs_total") >= TARGETS &&
      total(m, "outpost_agent_nats_published_batches_total") > 0,
    INTERVAL_S * 3_000,
  );
  const before = await agent.metrics();
  const usage = await measure(`${TARGETS} HTTP probes every ${INTERVAL_S} s`, agent);
  const after = await agent.metrics();
  const runs = total(after, "outpost_probe_runs_total") - total(before, "outpost_probe_runs_total");
  const ok =
    total(after, "outpost_probe_runs_total", 'result="success"') -
    total(before, "outpost_probe_runs_total", 'result="success"');
  if (ok !== runs)
    throw new Error(`Only ${ok} of ${runs} probes succeeded: the figures would mislead`);
  report("probes_agent_cpu_percent", usage.cores * 100, "%");
  report("probes_idle_agent_cpu_percent", idleUsage.cores * 100, "%");
  report("probes_own_cpu_percent", (usage.cores - idleUsage.cores) * 100, "%");
  report("probes_runs_per_second", runs / windowSeconds, "probes/s");
  report("probes_cpu_ms_per_probe", (usage.cpuSeconds * 1000) / Math.max(1, runs), "ms");
  report("probes_agent_rss_mb", mb(usage.rssPeakBytes), "MB");
}

const teardown = new Teardown();
try {
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  await run(nats, teardown);
} finally {
  await teardown.run();
}
