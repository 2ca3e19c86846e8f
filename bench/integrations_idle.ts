/**
 * What six integrations cost an idle agent: two agent processes side by side in the same run,
 * against one nats-server, one with nothing to collect, one with PostgreSQL, Redis, MariaDB,
 * nginx (collectors and their logs), the containers of a cgroup made for it, and the journal
 * (a namespaced journald) — each service started by the test harness on a free port. After a
 * warm-up both are measured over the same window: CPU share of one core and RSS. The issue's
 * goal for the difference: < 0.5 % of a core and < 15 MB.
 *
 * The services are configured rather than detected: other sessions on a shared machine run
 * their own PostgreSQL and Redis, which detection would also collect. Detection's own cost
 * (one walk of /proc a minute) is measured apart, in this process, and reported per minute.
 *
 * With --breakdown, one more agent per integration alone runs in the same window and each
 * one's cost over the base agent is reported too (where the total goes). With
 * --jsc NAME=VALUE[,…], a second base agent and a second six-integration agent run in the same
 * window with those JavaScriptCore options (`BUN_JSC_<NAME>`), e.g. `useDFGJIT=0`, or
 * allocator and runtime variables given whole (`MIMALLOC_PURGE_DELAY=0`, `BUN_…`). With
 * --baseline DIR, that second pair runs from another checkout instead (before and after); with
 * --binary FILE, from a compiled agent (`make agent-binary`: dist/outpost-agent), as the README's
 * single-file deployment runs it. With --smaps DIR, each measured process's /proc/PID/smaps at
 * the window's end is saved there as `<agent>-<pid>.smaps`, to see which mappings grew. With
 * --host, every agent also collects host metrics (`host: {enabled: true}`, as `outpost up`'s
 * agent does), so the difference is what the integrations add to the agent users run, not to
 * one that collects nothing (whose shared paths — batching, encoding, publishing, and their
 * compiled code — the integrations would otherwise be charged for alone).
 *
 * Besides the mean RSS, the end of the window's resident memory is split (/proc status and
 * smaps_rollup): anonymous (the process's own), file-backed (Bun's code pages, shared by every
 * Bun process), and PSS (shared pages divided among their users). journalctl's RSS is mostly
 * libsystemd and the journal files mapped read-only: its PSS is the fairer share.
 *
 *   bun bench/integrations_idle.ts [--seconds 120] [--warmup 30] [--breakdown] [--host] [--jsc useDFGJIT=0 | --baseline DIR | --binary FILE] [--smaps DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { detectServices } from "../agent/sources/integrations/detect/detect.ts";
import { canMakeCgroups, makeCgroup } from "../test/harness/cgroup.ts";
import { canRunJournald, startJournald } from "../test/harness/journald.ts";
import { MONITOR, startMariadb } from "../test/harness/mariadb.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { startNginx } from "../test/harness/nginx.ts";
import { startPostgres, startRedis } from "../test/harness/services.ts";
import { jscEnv, startAgent } from "./lib/agent_process.ts";
import { report } from "./lib/pipeline.ts";
import { childPids, mb, rssKinds, startTreeMeter } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    seconds: { type: "string", default: "120" },
    warmup: { type: "string", default: "30" },
    jsc: { type: "string", default: "" },
    baseline: { type: "string", default: "" },
    binary: { type: "string", default: "" },
    smaps: { type: "string", default: "" },
    host: { type: "boolean", default: false },
  },
  strict: false,
});
const SECONDS = Number(flags.seconds);
const WARMUP = Number(flags.warmup);

const teardown = new Teardown();
try {
  if (!canMakeCgroups() || !canRunJournald())
    throw new Error("Cannot run the idle benchmark: it needs root (a cgroup and a journald)");
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  progress("starting PostgreSQL, Redis, MariaDB, nginx, a cgroup and a journald");
  const [pg, redis, maria, nginx] = await Promise.all([
    startPostgres(),
    startRedis(),
    startMariadb(),
    startNginx(),
  ]);
  for (const [what, s] of [
    ["postgres", pg],
    ["redis", redis],
    ["mariadb", maria],
    ["nginx", nginx],
  ] as const)
    teardown.defer(what, () => s.stop());
  const cgroup = await makeCgroup(`outpost-idle-${process.pid}`, 256 << 20, [
    "sh",
    "-c",
    "echo ready; exec sleep 100000",
  ]);
  teardown.defer("cgroup", () => cgroup.remove());
  const journald = await startJournald();
  teardown.defer("journald", () => journald.stop());

  const secret = join(tmpdir(), `outpost-idle-mysql-${process.pid}`);
  writeFileSync(secret, `${MONITOR.password}\n`);
  const parts: Record<string, string> = {
    postgres: `  postgres:\n    - host: 127.0.0.1\n      port: ${pg.port}\n`,
    redis: `  redis:\n    - address: ${redis.address}\n`,
    mysql: `  mysql:\n    - address: ${maria.address}\n      user: ${MONITOR.user}\n      password_file: ${secret}\n`,
    nginx: `  nginx:\n    - status_url: ${nginx.statusUrl}\n      access_log: ${nginx.accessLog}\n      error_log: ${nginx.errorLog}\n`,
    containers: `  containers:\n    collect: always\n    cgroups: ${cgroup.id}\n`,
  };
  const journal = `journal:\n  enabled: true\n  namespace: ${journald.namespace}\n`;
  const host = flags.host ? "host:\n  enabled: true\n" : "";
  const yaml = (names: string[]) =>
    `${host}integrations:\n  interval: 15s\n${names
      .filter((n) => n !== "journal")
      .map((n) => parts[n])
      .join("")}${names.includes("journal") ? journal : ""}`;
  const all = [...Object.keys(parts), "journal"];
  const jsc = jscEnv(String(flags.jsc));
  const root = String(flags.baseline) || undefined;
  const binary = String(flags.binary) || undefined;
  const tag = binary ? "_binary" : root ? "_baseline" : "_jsc";
  type Plan = [string, string, Record<string, string>?];
  const plans: Plan[] = [
    ["base", host],
    ["six", yaml(all)],
    ...(flags.breakdown ? all.map((n) => [n, yaml([n])] as [string, string]) : []),
    ...(jsc || root || binary
      ? [[`base${tag}`, host, jsc ?? {}] as Plan, [`six${tag}`, yaml(all), jsc ?? {}] as Plan]
      : []),
  ];
  const agents = await Promise.all(
    plans.map(([id, extraYaml, env]) =>
      startAgent({
        id: `idle-${id}`,
        natsUrl: nats.url,
        scrapeConfigs: "",
        extraYaml,
        env,
        root: id.endsWith("_baseline") ? root : undefined,
        binary: id.endsWith("_binary") ? binary : undefined,
      }),
    ),
  );
  teardown.defer("agents", () => Promise.all(agents.map((a) => a.stop())).then(() => {}));
  await agents[1].waitFor(
    "six integrations up",
    (m) =>
      [...m].filter(
        ([k, v]) => k.startsWith("outpost_integration_collect_duration_seconds") && v > 0,
      ).length >= 5,
    60_000,
  );
  progress(`warming up ${WARMUP} s, then measuring ${SECONDS} s`);
  await Bun.sleep(WARMUP * 1000);
  // journalctl is the journal source's child: its CPU and memory are the integration's too,
  // including the spells it runs only part of the window (it rests while the journal is quiet).
  const meters = agents.map((a) => startTreeMeter(a.pid));
  await Bun.sleep(SECONDS * 1000);
  const usage = meters.map((m, i) => {
    const u = m.stop();
    const live = [agents[i].pid, ...childPids(agents[i].pid)];
    if (flags.smaps) {
      mkdirSync(String(flags.smaps), { recursive: true });
      for (const pid of live)
        writeFileSync(
          join(String(flags.smaps), `${plans[i][0]}-${pid}.smaps`),
          readFileSync(`/proc/${pid}/smaps`),
        );
    }
    const kinds = live.map(rssKinds);
    const sum = (k: "anon" | "file" | "pss") => kinds.reduce((a, x) => a + x[k], 0);
    return {
      cores: u.cores,
      rss: u.rssMeanBytes,
      anon: sum("anon"),
      file: sum("file"),
      pss: sum("pss"),
      journalctlPss: kinds[1]?.pss ?? 0,
    };
  });

  // Detection runs once a minute: its first walk in a process (code not compiled yet) and
  // the median of the five after it.
  const walks: { cpu: number; wall: number }[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await detectServices({ procfs: "/proc" });
    const cpu = process.cpuUsage(cpu0);
    walks.push({ cpu: (cpu.user + cpu.system) / 1e6, wall: performance.now() - t0 });
  }
  const later = walks.slice(1).sort((a, b) => a.cpu - b.cpu);
  const detectFirst = walks[0];
  const detectCpu = later[2].cpu;

  const [base, six] = usage;
  report("idle_agent_base_cores", Number(base.cores.toFixed(5)), "cores");
  report("idle_agent_six_integrations_cores", Number(six.cores.toFixed(5)), "cores");
  report("idle_six_integrations_extra_cores", Number((six.cores - base.cores).toFixed(5)), "cores");
  report("idle_agent_base_rss_mean", Number(mb(base.rss).toFixed(1)), "MB");
  report("idle_agent_six_integrations_rss_mean", Number(mb(six.rss).toFixed(1)), "MB");
  report("idle_six_integrations_extra_rss", Number(mb(six.rss - base.rss).toFixed(1)), "MB");
  for (const k of ["anon", "file", "pss"] as const)
    report(`idle_six_integrations_extra_${k}`, Number(mb(six[k] - base[k]).toFixed(1)), "MB");
  const journalctl = usage[1].journalctlPss;
  if (journalctl > 0) report("idle_journalctl_pss", Number(mb(journalctl).toFixed(1)), "MB");
  for (let i = 2; i < plans.length; i++) {
    if (plans[i][0].endsWith(tag)) {
      report(`idle_agent_${plans[i][0]}_cores`, Number(usage[i].cores.toFixed(5)), "cores");
      report(`idle_agent_${plans[i][0]}_rss_mean`, Number(mb(usage[i].rss).toFixed(1)), "MB");
      report(`idle_agent_${plans[i][0]}_anon`, Number(mb(usage[i].anon).toFixed(1)), "MB");
      continue;
    }
    report(
      `idle_extra_cores_${plans[i][0]}`,
      Number((usage[i].cores - base.cores).toFixed(5)),
      "cores",
    );
    report(`idle_extra_rss_${plans[i][0]}`, Number(mb(usage[i].rss - base.rss).toFixed(1)), "MB");
  }
  const vb = plans.findIndex(([id]) => id === `base${tag}`);
  if (vb > 0) {
    const [b, x] = [usage[vb], usage[vb + 1]];
    report(
      `idle_six_integrations${tag}_extra_cores`,
      Number((x.cores - b.cores).toFixed(5)),
      "cores",
    );
    report(`idle_six_integrations${tag}_extra_rss`, Number(mb(x.rss - b.rss).toFixed(1)), "MB");
    report(`idle_six_integrations${tag}_extra_anon`, Number(mb(x.anon - b.anon).toFixed(1)), "MB");
  }
  report("detect_cpu_per_minute", Number(detectCpu.toFixed(4)), "s");
  report("detect_wall", Number(later[2].wall.toFixed(1)), "ms");
  report("detect_first_cpu", Number(detectFirst.cpu.toFixed(4)), "s");
} finally {
  await teardown.run();
}
