/**
 * Rule evaluation against Prometheus 2.42 (the alerting issue's goal: at most half
 * Prometheus's CPU, evaluation lag p99 under 1 s). Both sides scrape one exporter of 10,000
 * series every 15 s (bench/lib/rules_workload.ts) and evaluate the same rule file live: 1,000
 * recording and 1,000 alerting rules (templated labels and annotations, `for: 30s`, one series
 * in ten firing) in 20 groups at 15 s. One side at a time, so they do not share the cores:
 *
 * 1. started with an empty rule file, settled (4 min: past Outpost's first flush, and its JIT
 *    done compiling the ingest path), then measured over a window: the cost without rules
 *    (scraping, storing, and this bench's polling of /metrics);
 * 2. the rules loaded (SIGHUP / `POST /-/reload`), the alerts left to fire, then measured over
 *    a window as long: CPU, and every group evaluation seen in /metrics polled every 5 s —
 *    lag (completion − scheduled tick) and duration (bench/lib/rule_lag.ts);
 * 3. measured again over a second window as long right after (`_steady`): Outpost's JIT is
 *    still compiling the rules' code through the first window (its compile time a minute
 *    falls from ~1.7 s in the minute of the load to ~0.1 s four minutes on), which a
 *    long-running evaluator does not pay again;
 * 4. the alerts firing at the end, which must be the same on both sides.
 *
 * The rules' CPU is (with − without) of the evaluating process: Prometheus, or Outpost's
 * aggregator; Outpost's nats-server (which carries the rules' output) is reported apart.
 * Thread figures of the JIT's workers can come out negative: JavaScriptCore ends idle worker
 * threads, and a thread gone takes its CPU out of the sum.
 *
 * Where the evaluating process's CPU goes is reported by thread (the JS thread, the JIT's and
 * the garbage collector's helpers, DuckDB's workers), with − without rules; each side's RSS is
 * the mean of samples every second over each window (runtime settings trade one for the other).
 * Each window also reports what may land in one window and not another and so move (with −
 * without): the evaluator's flush, compaction and cache-decode work in it, and the machine's
 * speed (`_machine_work_us`: a fixed loop's median time, lib/machine_speed.ts), since the
 * sides run minutes apart on a VM whose speed can move between them.
 *
 *   bun bench/rules_vs_prometheus.ts [--quick] [--side prometheus|outpost]
 *     windows of 3 min (--quick: 1 min, settled 75 s); --side runs one side only (no
 *     ratios); `BENCH_AGGREGATOR_ENV="K=V …"` sets the aggregator's environment; with
 *     BENCH_CPU_PROF_DIR=DIR the aggregator is profiled and its rules' CPU split by area of
 *     the code (bench/lib/cpu_profile.ts) over the two windows
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { coresAbove, newestProfile, readProfile, type Window } from "./lib/cpu_profile.ts";
import { startMachineSpeed } from "./lib/machine_speed.ts";
import { report } from "./lib/pipeline.ts";
import { cpuSeconds, mb, startMeter, threadCpuSeconds } from "./lib/proc.ts";
import { metricSum, quantile, watchEvaluations } from "./lib/rule_lag.ts";
import {
  firingAlerts,
  type RuleSide,
  startOutpostSide,
  startPrometheusSide,
} from "./lib/rules_peers.ts";
import {
  expectedFiring,
  FOR_SECONDS,
  ruleFile,
  startWorkloadExporter,
} from "./lib/rules_workload.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    side: { type: "string", default: "both" },
  },
  strict: false,
});
const WINDOW_MS = flags.quick ? 60_000 : 180_000;
/**
 * Before the baseline: the first scrapes in and the process past its start. Outpost's first
 * flush (at `flush.interval: 1m`) loads DuckDB, a one-off cost of a few hundred ms of CPU
 * that would land in one window and not the other and move the difference (with − without)
 * by more than the rules' own CPU changes; and its JIT compiles the ingest path for minutes
 * (0.34, 0.26, 0.10, 0.08 s of compiling in its first four minutes, 2026-11-26), which a
 * baseline taken too early counts as cost without rules. Prometheus waits as long to keep the
 * sides alike.
 */
const SETTLE_MS = flags.quick ? 75_000 : 240_000;
const FIRE_MS = (FOR_SECONDS + 30) * 1000; // every group evaluated, then `for` held, with margin

/** CPU of each process (and thread) as a share of a core over `ms`, and the evaluations seen. */
async function measure(side: RuleSide, ms: number) {
  const pids = { main: side.pid, ...side.helpers };
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSeconds(p)]));
  const threads0 = threadCpuSeconds(side.pid);
  const counters0 = await counters(side);
  const watch = watchEvaluations(side.url, side.reader);
  // Resident memory over the window: a runtime setting that spares CPU may cost memory.
  const meter = startMeter(side.pid);
  const speed = startMachineSpeed();
  const t0 = performance.now();
  const from = Date.now();
  await Bun.sleep(ms);
  const window = { from, to: Date.now() };
  const rssMean = meter.stop().rssMeanBytes;
  const workUs = speed.stop();
  const evaluations = await watch.stop();
  const seconds = (performance.now() - t0) / 1000;
  const cores: Record<string, number> = {};
  for (const [k, p] of Object.entries(pids)) cores[k] = (cpuSeconds(p) - cpu0[k]) / seconds;
  const threads = new Map<string, number>();
  for (const [name, s] of threadCpuSeconds(side.pid))
    threads.set(name, (s - (threads0.get(name) ?? 0)) / seconds);
  const counters1 = await counters(side);
  const during = Object.fromEntries(
    Object.entries(counters1).map(([k, v]) => [k, v - counters0[k as keyof Counters]]),
  ) as Counters;
  return { cores, threads, evaluations, missed: during.missed, during, window, rssMean, workUs };
}

/**
 * Counters read at each window's ends: iterations missed, and the evaluator's work that is not
 * the rules' but may land in one window and not the other (the window's difference moves the
 * rules' figure): Outpost's flushes, compaction steps (an hour's merge and rollups, due 10 min
 * after the hour) and files decoded into the query cache; Prometheus's head compactions.
 */
const COUNTERS = {
  missed: [
    "prometheus_rule_group_iterations_missed_total",
    "outpost_rule_group_iterations_missed_total",
  ],
  flush_seconds: ["outpost_flush_duration_seconds_sum"],
  compaction_seconds: [
    "outpost_compaction_duration_seconds_sum",
    "prometheus_tsdb_compaction_duration_seconds_sum",
  ],
  cache_decodes: ["outpost_query_cache_decodes"],
} as const;

type Counters = Record<keyof typeof COUNTERS, number>;

async function counters(side: RuleSide): Promise<Counters> {
  const text = await (await fetch(`${side.url}/metrics`)).text();
  const sum = (names: readonly string[]) => names.reduce((n, m) => n + metricSum(text, m), 0);
  return Object.fromEntries(
    Object.entries(COUNTERS).map(([k, names]) => [k, sum(names)]),
  ) as Counters;
}

/** Runs one side through the baseline and the rules; reports its figures. */
async function run(side: RuleSide, prefix: string) {
  await Bun.sleep(SETTLE_MS);
  progress(`${prefix}: ${WINDOW_MS / 1000} s without rules`);
  const base = await measure(side, WINDOW_MS);
  await side.load(ruleFile());
  progress(`${prefix}: rules loaded; ${FIRE_MS / 1000} s for the alerts to fire`);
  await Bun.sleep(FIRE_MS);
  progress(`${prefix}: ${WINDOW_MS / 1000} s with rules`);
  const ruled = await measure(side, WINDOW_MS);
  progress(`${prefix}: ${WINDOW_MS / 1000} s more with rules (steady)`);
  const steady = await measure(side, WINDOW_MS);
  const firing = await firingAlerts(side.url);
  for (const k of Object.keys(base.cores)) {
    const name = k === "main" ? prefix : `${prefix}_${k}`;
    report(`${name}_cpu_cores_without_rules`, base.cores[k], "cores");
    report(`${name}_cpu_cores_with_rules`, ruled.cores[k], "cores");
    report(`${name}_rules_cpu_cores`, ruled.cores[k] - base.cores[k], "cores");
    report(`${name}_rules_cpu_cores_steady`, steady.cores[k] - base.cores[k], "cores");
  }
  for (const [window, suffix] of [
    [base, "without_rules"],
    [ruled, "with_rules"],
    [steady, "with_rules_steady"],
  ] as const) {
    const { flush_seconds, compaction_seconds, cache_decodes } = window.during;
    report(`${prefix}_window_${suffix}_flush_seconds`, flush_seconds, "s");
    report(`${prefix}_window_${suffix}_compaction_seconds`, compaction_seconds, "s");
    report(`${prefix}_window_${suffix}_cache_decodes`, cache_decodes, "decodes");
    report(`${prefix}_window_${suffix}_machine_work_us`, window.workUs, "us");
  }
  report(`${prefix}_rss_mean_without_rules`, mb(base.rssMean), "MiB");
  report(`${prefix}_rss_mean_with_rules`, mb(ruled.rssMean), "MiB");
  report(`${prefix}_rss_mean_with_rules_steady`, mb(steady.rssMean), "MiB");
  for (const [window, suffix] of [
    [ruled, ""],
    [steady, "_steady"],
  ] as const) {
    for (const [name, c] of window.threads) {
      const delta = c - (base.threads.get(name) ?? 0);
      if (Math.abs(delta) >= 0.0005)
        report(
          `${prefix}_rules_cpu_cores${suffix}_thread_${name.replace(/\W+/g, "_")}`,
          delta,
          "cores",
        );
    }
  }
  const lags = ruled.evaluations.map((e) => e.lag);
  const durations = ruled.evaluations.map((e) => e.duration);
  report(`${prefix}_evaluations`, ruled.evaluations.length, "evaluations");
  report(`${prefix}_iterations_missed`, ruled.missed, "iterations");
  report(`${prefix}_eval_lag_p50`, quantile(lags, 0.5), "s");
  report(`${prefix}_eval_lag_p99`, quantile(lags, 0.99), "s");
  report(`${prefix}_eval_lag_max`, lags.length ? Math.max(...lags) : Number.NaN, "s");
  report(`${prefix}_eval_duration_p50`, quantile(durations, 0.5), "s");
  report(`${prefix}_eval_duration_p99`, quantile(durations, 0.99), "s");
  report(
    `${prefix}_eval_lag_p99_steady`,
    quantile(
      steady.evaluations.map((e) => e.lag),
      0.99,
    ),
    "s",
  );
  report(`${prefix}_alerts_firing`, firing, "alerts");
  return {
    rules: ruled.cores.main - base.cores.main,
    rulesSteady: steady.cores.main - base.cores.main,
    total: ruled.cores.main,
    lagP99: quantile(lags, 0.99),
    firing,
    windows: { base: base.window, ruled: ruled.window },
    workUs: [base.workUs, ruled.workUs, steady.workUs],
  };
}

/** The aggregator's rules' CPU by area of its code, from its profile's two windows. */
async function reportProfile(dir: string, base: Window, ruled: Window): Promise<void> {
  const file = await newestProfile(dir);
  if (!file) {
    console.error(`# no .cpuprofile appeared in ${dir}`);
    return;
  }
  for (const [area, cores] of coresAbove(await readProfile(file), base, ruled))
    report(`outpost_rules_cpu_cores_profile_${area}`, cores, "cores");
}

const teardown = new Teardown();
try {
  const dir = await mkdtemp(join(tmpdir(), "outpost-bench-rules-"));
  teardown.defer("the bench directory", () => rm(dir, { recursive: true, force: true }));
  const exporter = startWorkloadExporter();
  teardown.defer("the exporter", () => exporter.stop());
  console.log("# rules_vs_prometheus: one side at a time on a shared 2-core machine");

  let p: Awaited<ReturnType<typeof run>> | null = null;
  let o: Awaited<ReturnType<typeof run>> | null = null;
  if (flags.side !== "outpost") {
    progress("Prometheus 2.42: scraping 10,000 series every 15 s");
    const prom = await startPrometheusSide(join(dir, "prometheus"), exporter.address);
    teardown.defer("Prometheus", () => prom.stop());
    p = await run(prom, "prometheus");
    await prom.stop();
  }
  if (flags.side !== "prometheus") {
    progress("Outpost: agent → nats-server → aggregator, 10,000 series every 15 s");
    const op = await startOutpostSide(join(dir, "outpost"), exporter.address);
    teardown.defer("Outpost", () => op.stop());
    o = await run(op, "outpost");
    const profiles = process.env.BENCH_CPU_PROF_DIR;
    if (profiles) {
      await op.stop(); // the profile is written at exit
      await reportProfile(profiles, o.windows.base, o.windows.ruled);
    }
  }
  report("rules_alerts_firing_expected", expectedFiring(), "alerts");
  if (p && o) {
    report("rules_alerts_firing_equal", o.firing === p.firing ? 1 : 0, "bool");
    report("rules_cpu_ratio_vs_prometheus", o.rules / p.rules, "x");
    report("rules_cpu_ratio_vs_prometheus_steady", o.rulesSteady / p.rulesSteady, "x");
    report("rules_total_cpu_ratio_vs_prometheus", o.total / p.total, "x");
    report("rules_cpu_ratio_goal", 0.5, "x");
    // Above 1: the machine ran slower under Outpost's windows than under Prometheus's.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    report("rules_machine_work_ratio_outpost_vs_prometheus", mean(o.workUs) / mean(p.workUs), "x");
    report("rules_eval_lag_p99_goal", 1, "s");
  }
} finally {
  await teardown.run();
}
