/**
 * The two notifiers the notifier benchmark compares, started on one alertmanager.yml: Debian's
 * Alertmanager 0.25, and an Outpost aggregator (with its nats-server) whose `alerting.config_file`
 * is that file. Beside them, the webhook sink both send to: it records when each group's
 * notifications arrive and how many alerts they carry.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import {
  startAggregatorProcess,
  startNotifierProcess,
  testAggregatorYaml,
} from "../../test/harness/aggregator.ts";
import { startNatsServer } from "../../test/harness/nats.ts";
import { ALERTMANAGER } from "../../test/harness/notify_sink.ts";
import { freePort } from "../../test/harness/ports.ts";
import { childPidWithArg } from "./proc.ts";

/** One notification as the sink saw it. */
export interface Arrival {
  /** `performance.now()` when the request arrived. */
  readonly at: number;
  /** Wall clock (ms) when it arrived, to compare with an alert's `startsAt`. */
  readonly wall: number;
  readonly status: string;
  readonly alerts: readonly { startsAt: string; labels: Record<string, string> }[];
}

/** The webhook sink: notifications by the `group` label of their group. */
export interface NotifySink {
  readonly url: string;
  /** Every notification of each group, oldest first. */
  readonly groups: Map<string, Arrival[]>;
  readonly stop: () => void;
}

/** Starts the sink on a free port of 127.0.0.1. */
export function startNotifySink(): NotifySink {
  const groups = new Map<string, Arrival[]>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const at = performance.now();
      const wall = Date.now();
      const body = (await req.json()) as {
        status: string;
        groupLabels: Record<string, string>;
        alerts: Arrival["alerts"];
      };
      const key = body.groupLabels.group ?? "";
      const list = groups.get(key) ?? [];
      list.push({ at, wall, status: body.status, alerts: body.alerts });
      groups.set(key, list);
      return new Response("");
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, groups, stop: () => server.stop(true) };
}

/**
 * The routing both sides use: one group per `group` label, and the alerts of the latency part
 * (`bench="latency"`) sent with no group wait.
 */
export function benchAlertmanagerYaml(sinkUrl: string): string {
  return `route:
  receiver: hook
  group_by: [group]
  group_wait: 5s
  group_interval: 1m
  repeat_interval: 4h
  routes:
    - matchers: ['bench="latency"']
      group_wait: 0s
receivers:
  - name: hook
    webhook_configs:
      - url: ${sinkUrl}
`;
}

/**
 * A rule whose alert is a new group every 2 s (its `group` label is the time in 2 s steps), so
 * each firing is sent at once under `group_wait: 0s`: its `startsAt` is the evaluation that fired.
 */
export const FLIPPING_RULES = `groups:
  - name: bench-latency
    interval: 1s
    rules:
      - alert: BenchRuleLatency
        expr: count_values("group", floor(vector(time()) / 2))
        labels: {bench: latency, origin: rule}
`;

/** A notifier under test: where to post alerts, the processes whose cost counts, a stop. */
export interface NotifierPeer {
  readonly url: string;
  readonly pid: number;
  /** Processes besides `pid` that the notifier needs (Outpost's nats-server). */
  readonly helperPids: readonly number[];
  /** Beside `outpost notifier`: the aggregator that stores its history (reported apart). */
  readonly aggregatorPid?: number;
  stop(): Promise<void>;
}

/**
 * With `BENCH_CPU_PROF_DIR` set, the aggregator writes a CPU profile there when it stops: where
 * the notifier's CPU goes. Markdown by default; `BENCH_CPU_PROF_MD=0` writes the `.cpuprofile`
 * JSON instead, for bench/cpu_profile_split.ts.
 */
function profileEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  if (!dir) return {};
  const format = process.env.BENCH_CPU_PROF_MD === "0" ? "--cpu-prof" : "--cpu-prof-md";
  return { BUN_OPTIONS: `${format} --cpu-prof-dir=${dir}` };
}

/**
 * An aggregator's environment as `bun run outpost` and `make up` run it: Bun's once-a-second
 * GC timer off (package.json), plus `extra`. `BENCH_GC_TIMER=1` leaves the timer on, as a
 * plain `bun cli/outpost.ts` would. `BENCH_AGGREGATOR_ENV="K=V K=V"` adds settings to the
 * aggregator's environment only (a runtime setting tried, `BUN_JSC_*` reports), not to the
 * bench's own process or the agent's.
 */
export function shippedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const timer: Record<string, string> =
    process.env.BENCH_GC_TIMER === "1" ? {} : { BUN_GC_TIMER_DISABLE: "1" };
  const tried = (process.env.BENCH_AGGREGATOR_ENV ?? "")
    .split(/\s+/)
    .filter((pair) => pair.includes("="))
    .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]);
  return { ...timer, ...Object.fromEntries(tried), ...extra };
}

/** `stop` that runs once, however often it is called. */
function once(stop: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => {
    done ??= stop();
    return done;
  };
}

/** Starts Alertmanager 0.25 on `configFile`, storage under `dir`; resolves once ready. */
export async function startAlertmanagerPeer(
  configFile: string,
  dir: string,
): Promise<NotifierPeer> {
  const port = await freePort();
  const proc: Subprocess = Bun.spawn(
    [
      ALERTMANAGER,
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "am-data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
    ],
    { stdin: "ignore", stdout: "ignore", stderr: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 100 || proc.exitCode !== null) {
      proc.kill();
      throw new Error("Cannot start Alertmanager: not ready after 10 s");
    }
    await Bun.sleep(100);
  }
  return {
    url,
    pid: proc.pid,
    helperPids: [],
    stop: once(async () => {
      proc.kill();
      await proc.exited;
    }),
  };
}

/** Which Outpost process receives the alerts and sends: the aggregator, or `outpost notifier`. */
export type OutpostNotifierKind = "aggregator" | "process";

/**
 * Starts a nats-server and an Outpost aggregator with `alerting.config_file: configFile` and,
 * with `flippingRule`, the flipping rule (a 1 s rule group: the latency part's probe, whose
 * evaluation Alertmanager does not do); resolves once the aggregator is ready. `history` is
 * written into `alerting.history` (flow YAML, e.g. `{enabled: false}`); the defaults when absent.
 * With `kind` "process", an `outpost notifier` on the same config receives the alerts and sends
 * (the aggregator with `alerting.dispatch: false`, storing the history): the peer's pid is the
 * notifier's, and the aggregator's is `aggregatorPid`.
 */
export async function startOutpostPeer(
  configFile: string,
  dir: string,
  flippingRule: boolean,
  history = "{}",
  kind: OutpostNotifierKind = "aggregator",
): Promise<NotifierPeer> {
  const nats = await startNatsServer();
  const natsPid = childPidWithArg(nats.storeDir);
  const aggDir = join(dir, `${flippingRule ? "agg-rules" : "agg"}-${kind}`);
  mkdirSync(aggDir, { recursive: true });
  writeFileSync(join(aggDir, "rules.yml"), FLIPPING_RULES);
  const path = join(aggDir, "agg.yaml");
  const alone = kind === "process";
  const yaml = `${testAggregatorYaml({
    id: "bench",
    natsUrl: nats.url,
    dataDir: aggDir,
    storage: { type: "dir", path: join(aggDir, "bucket") },
    httpPort: await freePort(),
    // The production default, not the tests' 500 ms: flushes would be most of the idle cost.
    flushInterval: "1m",
    ackWait: "2m",
  })}${flippingRule ? "rule_files: [rules.yml]\n" : ""}alerting: {config_file: ${configFile}, history: ${history}, dispatch: ${!alone}}
notifier: {http_listen: "127.0.0.1:${await freePort()}"}
`;
  writeFileSync(path, yaml);
  const config = parseAggregatorConfig(yaml, path);
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const p of started.reverse()) await p.stop();
    await nats.dispose();
  };
  try {
    const env = shippedEnv(profileEnv());
    const agg = await startAggregatorProcess(path, config, alone ? shippedEnv() : env);
    started.push(agg);
    const notifier = alone ? await startNotifierProcess(path, config, env) : null;
    if (notifier) started.push(notifier);
    const peer = notifier ?? agg;
    return {
      url: peer.url,
      pid: peer.proc.pid,
      helperPids: natsPid === null ? [] : [natsPid],
      aggregatorPid: alone ? agg.proc.pid : undefined,
      stop: once(stopAll),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
