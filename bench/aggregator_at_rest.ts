/**
 * What an aggregator costs at rest: the notifier bench's aggregator (alerting on, no rules, no
 * data) started as its own process and left alone. Prints its RSS, its threads, whether DuckDB's
 * native library is loaded (mapped in /proc/<pid>/maps), and its CPU over a window after the
 * settle, by thread, and how often its threads are woken (voluntary context switches a second,
 * all threads); then Alertmanager 0.25 on the same alertmanager.yml, measured the same way
 * (one after the other, so they do not share the cores).
 *
 *   bun bench/aggregator_at_rest.ts [--settle=10] [--window=60] [--skip-alertmanager]
 */

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  benchAlertmanagerYaml,
  type NotifierPeer,
  startAlertmanagerPeer,
  startOutpostPeer,
} from "./lib/notify_peers.ts";
import { report } from "./lib/pipeline.ts";
import { cpuSeconds, mb, rssBytes, threadCpuSeconds, threadCpuSince, wakeUps } from "./lib/proc.ts";

const { values: flags } = parseArgs({
  options: {
    settle: { type: "string", default: "10" },
    window: { type: "string", default: "60" },
    "skip-alertmanager": { type: "boolean", default: false },
  },
  strict: false,
});
const SETTLE_MS = Number(flags.settle) * 1_000;
const WINDOW_MS = Number(flags.window) * 1_000;

/** True when a shared object whose path contains `name` is mapped into the process. */
function mapsLibrary(pid: number, name: string): boolean {
  return readFileSync(`/proc/${pid}/maps`, "utf8").includes(name);
}

/** The peer's CPU over the window as a share of a core, whole and by thread (stderr). */
async function restCpu(name: string, peer: NotifierPeer): Promise<void> {
  const pids = [peer.pid, ...peer.helperPids];
  const before = pids.map(cpuSeconds);
  const threadsBefore = threadCpuSeconds(peer.pid);
  const wokenBefore = wakeUps(peer.pid);
  await Bun.sleep(WINDOW_MS);
  const spent = pids.map((pid, i) => cpuSeconds(pid) - before[i]);
  report(`${name}_rest_cpu`, spent[0] / (WINDOW_MS / 1_000), "cores");
  report(`${name}_rest_wakeups`, (wakeUps(peer.pid) - wokenBefore) / (WINDOW_MS / 1_000), "/s");
  if (spent.length > 1) report(`${name}_rest_helpers_cpu`, spent[1] / (WINDOW_MS / 1_000), "cores");
  console.error(
    `# ${name} CPU by thread over ${WINDOW_MS / 1_000} s: ${threadCpuSince(peer.pid, threadsBefore)}`,
  );
}

const dir = await mkdtemp(join(tmpdir(), "outpost-rest-"));
const configFile = join(dir, "alertmanager.yml");
writeFileSync(configFile, benchAlertmanagerYaml("http://127.0.0.1:9/hook"));
try {
  const peer = await startOutpostPeer(configFile, dir, false);
  try {
    await Bun.sleep(SETTLE_MS);
    report("aggregator_rest_rss", mb(rssBytes(peer.pid)), "MB");
    const threads = readdirSync(`/proc/${peer.pid}/task`);
    report("aggregator_rest_threads", threads.length, "threads");
    const names = threads.map((t) =>
      readFileSync(`/proc/${peer.pid}/task/${t}/comm`, "utf8").trim(),
    );
    console.error(`# threads: ${names.join(", ")}`);
    const metrics = await (await fetch(`${peer.url}/metrics`)).text();
    const heap = /^process_heap_bytes (\S+)$/m.exec(metrics);
    if (heap) report("aggregator_rest_js_heap", mb(Number(heap[1])), "MB");
    report("aggregator_rest_duckdb_loaded", mapsLibrary(peer.pid, "libduckdb") ? 1 : 0, "bool");
    if (WINDOW_MS > 0) await restCpu("aggregator", peer);
  } finally {
    await peer.stop();
  }
  if (!flags["skip-alertmanager"] && WINDOW_MS > 0) {
    const am = await startAlertmanagerPeer(configFile, dir);
    try {
      await Bun.sleep(SETTLE_MS);
      report("alertmanager_rest_rss", mb(rssBytes(am.pid)), "MB");
      await restCpu("alertmanager", am);
    } finally {
      await am.stop();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
