/**
 * Outpost's notifier against Alertmanager 0.25 in the same run, on the same alertmanager.yml
 * (group_by [group], group_wait 5s, group_interval 1m, repeat_interval 4h, a webhook to a sink
 * in this process). One side at a time, so that they do not share the cores:
 *
 * 1. 10,000 alerts in 1,000 groups posted to `/api/v2/alerts` in batches of 64 and re-posted
 *    every 15 s, as Prometheus sends them: time from the first post to each group's first
 *    notification (goal ≤ group_wait + 1 s), and the CPU seconds and peak RSS (VmHWM) of the
 *    process over that part. Outpost's nats-server (where the alerts are shared) is reported
 *    apart.
 *    Each side's figures are printed for the whole process and as a delta over the process at
 *    rest (its CPU over 10 s before the first post, after 10 s to settle, scaled to the window;
 *    its RSS then): the aggregator at rest holds the head and the NATS client, which
 *    Alertmanager has not.
 *    Then the steady state: the same alerts re-posted every 15 s for STEADY_MS more, with no
 *    new group to notify: what 10,000 active alerts cost once the first minute's one-offs
 *    (the first notifications, their history, a fresh process's compiling) are behind. Two
 *    minutes, so that the window holds one of the rounds in which Outpost re-writes the shared
 *    copies whose `endsAt` is half spent (every 2 min here). CPU over the window, RSS sampled
 *    every second (mean and highest).
 * 2. Under `group_wait: 0s`, one alert of a new group posted every 100 ms: post → webhook
 *    latency. This starts at the API, not at a rule evaluation; for Outpost the bench also
 *    reports evaluation → webhook, from a rule whose alert is a new group every 2 s
 *    (arrival − `startsAt`, which is the evaluation's timestamp). That 1 s rule group runs on a
 *    second aggregator started for this part, so that part 1 does not charge Outpost with rule
 *    evaluations Alertmanager does not do.
 *
 *   bun bench/notifier_vs_alertmanager.ts [--quick] [--history=on|off|unbatched] [--outpost-only]
 *     [--notifier=process|aggregator]
 *   --quick: 20 s of alerts, 30 s of steady state, 10 s of latency; --history: alert history
 *   on (the default), off, or on with one message per record (`batch_size: 1`, the reference
 *   batching is held to);
 *   --outpost-only: Outpost's part 1 alone, no ratios (to try a change to the notifier; quote
 *   the ratios of a whole run); --notifier: Outpost's side is `outpost notifier` (the default:
 *   where Alertmanager runs, the process that stands in for it; an aggregator with
 *   `alerting.dispatch: false` beside it stores the history; its CPU is reported apart) or
 *   the notifier inside an aggregator. Environment variables (and `BENCH_AGGREGATOR_ENV`'s
 *   settings) reach Outpost's processes, so `BUN_JSC_…`/`MIMALLOC_…` settings can be tried
 *   through them; `BENCH_CPU_PROF_DIR`'s profile is taken of the process measured only.
 */

import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  benchAlertmanagerYaml,
  type NotifierPeer,
  type NotifySink,
  type OutpostNotifierKind,
  startAlertmanagerPeer,
  startNotifySink,
  startOutpostPeer,
} from "./lib/notify_peers.ts";
import { report } from "./lib/pipeline.ts";
import {
  cpuSeconds,
  mb,
  rssBytes,
  rssPeakBytes,
  startMeter,
  threadCpuSeconds,
  threadCpuSince,
} from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    history: { type: "string", default: "on" },
    "outpost-only": { type: "boolean", default: false },
    notifier: { type: "string", default: "process" },
  },
  strict: false,
});
const HISTORY: Record<string, string> = {
  on: "{}",
  off: "{enabled: false}",
  unbatched: "{batch_size: 1}",
};
const history = HISTORY[String(flags.history)];
if (history === undefined)
  throw new RangeError(`Cannot run with --history=${flags.history}: use on, off or unbatched`);
const kind = flags.notifier as OutpostNotifierKind;
if (kind !== "process" && kind !== "aggregator")
  throw new RangeError(`Cannot run with --notifier=${flags.notifier}: use process or aggregator`);
const GROUPS = 1_000;
const PER_GROUP = 10;
const BATCH = 64; // Prometheus's alertmanager batch size
const RESEND_MS = 15_000;
const ACTIVE_MS = flags.quick ? 20_000 : 60_000;
const STEADY_MS = flags.quick ? 30_000 : 120_000;
const LATENCY_MS = flags.quick ? 10_000 : 30_000;
const LATENCY_EVERY_MS = 100;
const GROUP_WAIT_S = 5;
/** A fresh Bun process still compiles and collects for seconds: its rest is measured after. */
const SETTLE_MS = 10_000;
const IDLE_MS = 10_000;

/** Alerts as Prometheus posts them: `endsAt` four resend delays ahead. */
function benchAlerts(startsAt: string, now: number) {
  const endsAt = new Date(now + 4 * 60_000).toISOString();
  const alerts = [];
  for (let g = 0; g < GROUPS; g++)
    for (let i = 0; i < PER_GROUP; i++)
      alerts.push({
        labels: {
          alertname: "BenchAlert",
          group: String(g),
          instance: String(i),
          severity: "warning",
        },
        annotations: { summary: `instance ${i} of group ${g} is down` },
        startsAt,
        endsAt,
        generatorURL: "http://prometheus.bench/graph?g0.expr=up+%3D%3D+0",
      });
  return alerts;
}

async function post(url: string, alerts: unknown[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(alerts),
  });
  if (!res.ok) throw new Error(`Cannot post alerts: ${res.status} ${await res.text()}`);
}

/** Rank `q` of `xs` (0..1), nearest rank. */
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

const cpuOf = (pids: readonly number[]) => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);

/** Part 1 on one side: posts and re-posts the 10,000 alerts; returns the side's figures. */
async function firstNotifications(peer: NotifierPeer, sink: NotifySink, prefix: string) {
  // The process at rest first: what it costs before any alert, to tell the notifier's part.
  await Bun.sleep(SETTLE_MS);
  const idle0 = cpuSeconds(peer.pid);
  await Bun.sleep(IDLE_MS);
  const idleCores = (cpuSeconds(peer.pid) - idle0) / (IDLE_MS / 1000);
  const idleRss = rssBytes(peer.pid);
  sink.groups.clear();
  const cpu0 = cpuSeconds(peer.pid);
  const threads0 = threadCpuSeconds(peer.pid);
  const helpers0 = cpuOf(peer.helperPids);
  const aggregator0 = peer.aggregatorPid ? cpuSeconds(peer.aggregatorPid) : 0;
  const t0 = performance.now();
  const startsAt = new Date().toISOString();
  let postSeconds = 0;
  let round = 0;
  /** Posts every RESEND_MS from t0 until `until` (ms on performance.now()'s clock). */
  const postUntil = async (until: number) => {
    for (; performance.now() < until; round++) {
      const roundStart = performance.now();
      const alerts = benchAlerts(startsAt, Date.now());
      for (let i = 0; i < alerts.length; i += BATCH)
        await post(peer.url, alerts.slice(i, i + BATCH));
      if (round === 0) postSeconds = (performance.now() - roundStart) / 1000;
      const next = t0 + (round + 1) * RESEND_MS;
      await Bun.sleep(Math.max(0, Math.min(next, until) - performance.now()));
    }
  };
  await postUntil(t0 + ACTIVE_MS);
  const cpu = cpuSeconds(peer.pid) - cpu0;
  const window = (performance.now() - t0) / 1000;
  console.error(`# ${prefix} CPU by thread: ${threadCpuSince(peer.pid, threads0)}`);
  const helpers = cpuOf(peer.helperPids) - helpers0;
  const aggregatorCpu = peer.aggregatorPid ? cpuSeconds(peer.aggregatorPid) - aggregator0 : 0;
  const firsts: number[] = [];
  let complete = 0;
  for (let g = 0; g < GROUPS; g++) {
    const first = sink.groups.get(String(g))?.[0];
    if (!first) continue;
    firsts.push((first.at - t0) / 1000);
    if (first.alerts.length === PER_GROUP) complete++;
  }
  let notifications = 0;
  for (let g = 0; g < GROUPS; g++) notifications += sink.groups.get(String(g))?.length ?? 0;
  report(`${prefix}_first_notification_p99`, quantile(firsts, 0.99), "s");
  report(`${prefix}_first_notification_max`, firsts.length ? Math.max(...firsts) : Number.NaN, "s");
  report(`${prefix}_first_post_round`, postSeconds, "s");
  report(`${prefix}_groups_notified`, firsts.length, "groups");
  report(`${prefix}_groups_complete_first`, complete, "groups");
  report(`${prefix}_notifications`, notifications, "notifications");
  report(`${prefix}_cpu_seconds`, cpu, "s");
  // What the process would have spent at rest over the same window left out: the notifier's part.
  report(`${prefix}_cpu_seconds_above_idle`, cpu - idleCores * window, "s");
  if (peer.helperPids.length > 0) report(`${prefix}_nats_cpu_seconds`, helpers, "s");
  // The aggregator beside `outpost notifier`: storing the history records (and its own rest).
  if (peer.aggregatorPid) report(`${prefix}_aggregator_cpu_seconds`, aggregatorCpu, "s");
  const rss = rssPeakBytes(peer.pid);
  report(`${prefix}_rss_peak_mb`, mb(rss), "MB");
  // The peak over what the process held at rest: the alerts' part of the memory.
  report(`${prefix}_rss_peak_above_idle_mb`, mb(rss - idleRss), "MB");
  report(`${prefix}_idle_rss_mb`, mb(idleRss), "MB");
  report(`${prefix}_idle_cpu_cores`, idleCores, "cores");
  const cpuAboveIdle = cpu - idleCores * window;

  // The steady state: the same alerts re-posted, nothing new to notify.
  const sent = notifications;
  const meter = startMeter(peer.pid);
  const steadyThreads0 = threadCpuSeconds(peer.pid);
  const steadyHelpers0 = cpuOf(peer.helperPids);
  await postUntil(t0 + ACTIVE_MS + STEADY_MS);
  const steady = meter.stop();
  console.error(`# ${prefix} steady CPU by thread: ${threadCpuSince(peer.pid, steadyThreads0)}`);
  let after = 0;
  for (let g = 0; g < GROUPS; g++) after += sink.groups.get(String(g))?.length ?? 0;
  report(`${prefix}_steady_cpu_seconds`, steady.cpuSeconds, "s");
  report(`${prefix}_steady_cpu_cores`, steady.cores, "cores");
  if (peer.helperPids.length > 0)
    report(`${prefix}_steady_nats_cpu_seconds`, cpuOf(peer.helperPids) - steadyHelpers0, "s");
  report(`${prefix}_steady_rss_mean_mb`, mb(steady.rssMeanBytes), "MB");
  report(`${prefix}_steady_rss_max_mb`, mb(steady.rssPeakBytes), "MB");
  report(`${prefix}_steady_notifications`, after - sent, "notifications");
  return {
    cpu,
    cpuAboveIdle,
    helpers,
    rss,
    idleRss,
    p99: quantile(firsts, 0.99),
    steady,
  };
}

/** Part 2 on one side: a new group every 100 ms under `group_wait: 0s`; post → webhook. */
async function latency(peer: NotifierPeer, sink: NotifySink, prefix: string) {
  sink.groups.clear();
  const sent = new Map<string, number>();
  const t0 = performance.now();
  const startedWall = Date.now();
  for (let i = 0; performance.now() - t0 < LATENCY_MS; i++) {
    const key = `lat-${i}`;
    sent.set(key, performance.now());
    await post(peer.url, [
      { labels: { alertname: "BenchLatency", bench: "latency", group: key }, annotations: {} },
    ]);
    await Bun.sleep(Math.max(0, t0 + (i + 1) * LATENCY_EVERY_MS - performance.now()));
  }
  await Bun.sleep(2_000);
  const ms: number[] = [];
  for (const [key, at] of sent) {
    const first = sink.groups.get(key)?.[0];
    if (first) ms.push(first.at - at);
  }
  report(`${prefix}_post_to_webhook_p50`, quantile(ms, 0.5), "ms");
  report(`${prefix}_post_to_webhook_p99`, quantile(ms, 0.99), "ms");
  report(`${prefix}_post_to_webhook_received`, ms.length / sent.size, "ratio");
  // The flipping rule's alerts (only Outpost evaluates rules here).
  const rule: number[] = [];
  for (const list of sink.groups.values()) {
    const first = list.find((a) => a.status === "firing");
    const alert = first?.alerts.find((a) => a.labels.origin === "rule");
    if (!first || !alert) continue;
    const startsAt = Date.parse(alert.startsAt);
    if (startsAt >= startedWall) rule.push(first.wall - startsAt);
  }
  if (rule.length > 0) {
    report(`${prefix}_rule_eval_to_webhook_p50`, quantile(rule, 0.5), "ms");
    report(`${prefix}_rule_eval_to_webhook_p99`, quantile(rule, 0.99), "ms");
    report(`${prefix}_rule_eval_to_webhook_samples`, rule.length, "alerts");
  }
  return quantile(ms, 0.99);
}

const teardown = new Teardown();
try {
  const dir = await mkdtemp(join(tmpdir(), "outpost-bench-notify-"));
  teardown.defer("the bench directory", () => rm(dir, { recursive: true, force: true }));
  const sink = startNotifySink();
  teardown.defer("the webhook sink", () => sink.stop());
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, benchAlertmanagerYaml(sink.url));
  console.log("# notifier_vs_alertmanager: one side at a time on a shared 2-core machine");
  console.log(`# alert history: ${flags.history}`);
  console.log(
    `# Outpost's notifier: ${kind === "process" ? "outpost notifier, beside an aggregator with dispatch off" : "in the aggregator"}`,
  );

  if (flags["outpost-only"]) {
    progress("Outpost notifier: 10,000 alerts in 1,000 groups");
    const op = await startOutpostPeer(configFile, dir, false, history, kind);
    teardown.defer("the Outpost aggregator", () => op.stop());
    await firstNotifications(op, sink, "notifier");
  } else {
    progress("Alertmanager 0.25: 10,000 alerts in 1,000 groups");
    const am = await startAlertmanagerPeer(configFile, dir);
    teardown.defer("Alertmanager", () => am.stop());
    const amFigures = await firstNotifications(am, sink, "alertmanager");
    progress("Alertmanager 0.25: latency under group_wait 0s");
    const amP99 = await latency(am, sink, "alertmanager");
    await am.stop();

    progress("Outpost notifier: 10,000 alerts in 1,000 groups");
    const op = await startOutpostPeer(configFile, dir, false, history, kind);
    teardown.defer("the Outpost aggregator", () => op.stop());
    const opFigures = await firstNotifications(op, sink, "notifier");
    await op.stop();
    progress(
      "Outpost notifier: latency under group_wait 0s (an aggregator with the flipping rule)",
    );
    const opLatency = await startOutpostPeer(configFile, dir, true, "{}", kind);
    teardown.defer("the Outpost aggregator with the rule", () => opLatency.stop());
    const opP99 = await latency(opLatency, sink, "notifier");

    report("notifier_first_notification_goal", GROUP_WAIT_S + 1, "s");
    report("notifier_cpu_ratio_vs_alertmanager", opFigures.cpu / amFigures.cpu, "x");
    report(
      "notifier_cpu_with_nats_ratio_vs_alertmanager",
      (opFigures.cpu + opFigures.helpers) / amFigures.cpu,
      "x",
    );
    report("notifier_rss_ratio_vs_alertmanager", opFigures.rss / amFigures.rss, "x");
    report(
      "notifier_steady_cpu_ratio_vs_alertmanager",
      opFigures.steady.cpuSeconds / amFigures.steady.cpuSeconds,
      "x",
    );
    report(
      "notifier_steady_rss_mean_ratio_vs_alertmanager",
      opFigures.steady.rssMeanBytes / amFigures.steady.rssMeanBytes,
      "x",
    );
    // The same two as deltas over each process at rest: the cost of the alerts alone.
    report(
      "notifier_cpu_above_idle_ratio_vs_alertmanager",
      opFigures.cpuAboveIdle / amFigures.cpuAboveIdle,
      "x",
    );
    report(
      "notifier_rss_above_idle_ratio_vs_alertmanager",
      (opFigures.rss - opFigures.idleRss) / (amFigures.rss - amFigures.idleRss),
      "x",
    );
    report("notifier_idle_rss_ratio_vs_alertmanager", opFigures.idleRss / amFigures.idleRss, "x");
    report("notifier_post_to_webhook_p99_ratio_vs_alertmanager", opP99 / amP99, "x");
    console.log(
      "# post_to_webhook starts at the API; rule_eval_to_webhook starts at the evaluation (Outpost only)",
    );
  }
} finally {
  await teardown.run();
}
