/**
 * What an aggregator costs at rest: the notifier bench's aggregator (alerting on, no rules, no
 * data) started as its own process and left alone for a few seconds. Prints its RSS, its
 * threads, and whether DuckDB's native library is loaded (mapped in /proc/<pid>/maps).
 *
 *   bun bench/aggregator_at_rest.ts [--settle=10]
 */

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchAlertmanagerYaml, startOutpostPeer } from "./lib/notify_peers.ts";
import { report } from "./lib/pipeline.ts";
import { mb, rssBytes } from "./lib/proc.ts";

const { values: flags } = parseArgs({
  options: { settle: { type: "string", default: "10" } },
  strict: false,
});
const SETTLE_MS = Number(flags.settle) * 1_000;

/** True when a shared object whose path contains `name` is mapped into the process. */
function mapsLibrary(pid: number, name: string): boolean {
  return readFileSync(`/proc/${pid}/maps`, "utf8").includes(name);
}

const dir = await mkdtemp(join(tmpdir(), "outpost-rest-"));
const configFile = join(dir, "alertmanager.yml");
writeFileSync(configFile, benchAlertmanagerYaml("http://127.0.0.1:9/hook"));
const peer = await startOutpostPeer(configFile, dir, false);
try {
  await Bun.sleep(SETTLE_MS);
  report("aggregator_rest_rss", mb(rssBytes(peer.pid)), "MB");
  const threads = readdirSync(`/proc/${peer.pid}/task`);
  report("aggregator_rest_threads", threads.length, "threads");
  const names = threads.map((t) => readFileSync(`/proc/${peer.pid}/task/${t}/comm`, "utf8").trim());
  console.error(`# threads: ${names.join(", ")}`);
  const metrics = await (await fetch(`${peer.url}/metrics`)).text();
  const heap = /^process_heap_bytes (\S+)$/m.exec(metrics);
  if (heap) report("aggregator_rest_js_heap", mb(Number(heap[1])), "MB");
  report("aggregator_rest_duckdb_loaded", mapsLibrary(peer.pid, "libduckdb") ? 1 : 0, "bool");
} finally {
  await peer.stop();
  await rm(dir, { recursive: true, force: true });
}
