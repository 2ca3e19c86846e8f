/**
 * The agent as a process against hostile targets (a 300 MB body, a gzip bomb, an endless slow
 * body, a million series, 50 MB and 1 MiB label values, malformed text), one at a time and all
 * together, beside a healthy target scraped every second: its peak RSS stays within the
 * default agent.memory_limit, the healthy target misses no scrape, and each hostile target is logged
 * at warn once, with its reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import {
  HOSTILE,
  type HostileName,
  type HostileServer,
  hostilePath,
  JOB_YAML,
  startHostileServer,
} from "../harness/hostile.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";

const CLI = resolve(import.meta.dir, "../../cli/outpost.ts");
/** The default agent.memory_limit: the test runs the agent with its defaults. */
const MEMORY_LIMIT = 512 * 1024 * 1024;
const SINGLE_MS = 4_000;
/**
 * The jobs whose limit is reached only after a big read (16 MiB for body_size_limit, 300 MB
 * before the parse overflows the budget for memory_limit): under load that took more than a
 * 1 s scrape timeout, and 300 MB more than 3 s at a load of 8 on two cores, so they scrape every
 * 5 s with a 5 s timeout, and their single phases are long enough for one whole scrape
 * (file_sd's 1 s refresh, a start spread over the interval, the timeout).
 */
const SLOW_JOB = (name: string) =>
  ["body_size_limit", "memory_limit"].includes(HOSTILE[name as HostileName]);
const SLOW_SINGLE_MS = 12_000;
const TOGETHER_MS = 15_000;
const names = Object.keys(HOSTILE) as HostileName[];

let nats: NatsServerHandle;
let targets: HostileServer;
let agent: Subprocess;
let dir: string;
let listen: string;

function configYaml(): string {
  const job = (name: string, path: string, discovery: string) =>
    `  - job_name: ${name}\n    metrics_path: /${path}\n${SLOW_JOB(name) ? "    scrape_interval: 5s\n    scrape_timeout: 5s\n" : "    scrape_interval: 1s\n"}${discovery}`;
  const jobs = [
    job(
      "healthy",
      "healthy",
      `    static_configs:\n      - targets: ["${targets.healthyAddress}"]\n`,
    ),
    ...names.map((n) =>
      job(
        n,
        hostilePath(n),
        `${JOB_YAML[n] ?? ""}    file_sd_configs:\n      - files: [sd/${n}.json]\n        refresh_interval: 1s\n`,
      ),
    ),
  ];
  return `agent:\n  id: hostile\n  http_listen: "${listen}"\nnats:\n  url: ${nats.url}\nspool:\n  dir: spool\nscrape_configs:\n${jobs.join("")}`;
}

/** Points the file_sd files of `active` at the hostile server and empties the others. */
function activate(active: HostileName[]): void {
  for (const n of names) {
    const groups = active.includes(n) ? [{ targets: [targets.address] }] : [];
    writeFileSync(join(dir, "sd", `${n}.json`), JSON.stringify(groups));
  }
}

/** The agent's peak RSS since the last reset, bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${agent.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/** Starts a new peak: the kernel resets VmHWM to the current RSS. */
function resetPeak(): void {
  writeFileSync(`/proc/${agent.pid}/clear_refs`, "5");
}

interface Warning {
  at: number;
  job: string;
  reason: string;
}

/** The agent's "Cannot scrape target" warnings so far (its log is logfmt on stderr). */
function warnings(): Warning[] {
  const out: Warning[] = [];
  for (const line of readFileSync(join(dir, "agent.log"), "utf8").split("\n")) {
    if (!line.includes("level=warn") || !line.includes('msg="Cannot scrape target"')) continue;
    out.push({
      at: Date.parse(/ts=(\S+)/.exec(line)?.[1] ?? ""),
      job: /job=(\S+)/.exec(line)?.[1] ?? "",
      reason: /reason=(\S+)/.exec(line)?.[1] ?? "",
    });
  }
  return out;
}

/** Runs `active` for `ms` and returns the peak RSS and the warnings logged meanwhile. */
/** When each phase began, to say in which one the healthy target's longest gap fell. */
const phaseStarts: { at: number; name: string }[] = [];

async function phase(active: HostileName[], ms: number) {
  activate(active);
  phaseStarts.push({ at: Date.now(), name: active.length === 1 ? active[0] : "all" });
  resetPeak();
  const from = Date.now();
  await Bun.sleep(ms);
  const peak = peakRss();
  const logged = warnings().filter((w) => w.at >= from - 5);
  console.log(
    `${active.length === 1 ? active[0] : "all"}: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
  );
  return { peak, logged };
}

beforeAll(async () => {
  nats = await startNatsServer();
  targets = await startHostileServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-hostile-"));
  listen = `127.0.0.1:${await freePort()}`;
  Bun.spawnSync(["mkdir", "-p", join(dir, "sd")]);
  activate([]);
  writeFileSync(join(dir, "agent.yaml"), configYaml());
  agent = Bun.spawn([process.execPath, CLI, "agent", "--config", join(dir, "agent.yaml")], {
    env: { ...process.env, BUN_GC_TIMER_DISABLE: "1", OUTPOST_LOG_LEVEL: "info" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: Bun.file(join(dir, "agent.log")),
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${listen}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(
    `Cannot start the agent: not ready\n${readFileSync(join(dir, "agent.log"), "utf8")}`,
  );
}, 30_000);

afterAll(async () => {
  agent?.kill("SIGKILL");
  await agent?.exited;
  targets?.stop();
  await nats?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("agent under hostile targets", () => {
  test(
    "holds its memory limit, keeps the healthy target on time and logs each hostile target once",
    async () => {
      // Let the healthy target settle into its schedule first.
      await Bun.sleep(1_500);
      const start = Date.now();
      for (const name of names) {
        const { peak, logged } = await phase([name], SLOW_JOB(name) ? SLOW_SINGLE_MS : SINGLE_MS);
        expect(peak).toBeLessThanOrEqual(MEMORY_LIMIT);
        const reasons = logged.filter((w) => w.job === name).map((w) => w.reason);
        // On a loaded machine a scrape of a big body can time out (1 s) before it reaches its
        // limit: that is logged as a change of reason, and the limit must still be reached
        // within the phase. The name in the comparison says which target a failure is about.
        const limits =
          HOSTILE[name] === "timeout" ? reasons : reasons.filter((r) => r !== "timeout");
        expect({ name, reasons: limits }).toEqual({ name, reasons: [HOSTILE[name]] });
        for (let i = 1; i < reasons.length; i++) expect(reasons[i]).not.toBe(reasons[i - 1]);
      }
      const { peak, logged } = await phase(names, TOGETHER_MS);
      expect(peak).toBeLessThanOrEqual(MEMORY_LIMIT);
      for (const name of names) {
        const reasons = logged.filter((w) => w.job === name).map((w) => w.reason);
        // Under the combined load a big scrape may be refused by the budget, or time out on a
        // busy machine, instead: that is a change of reason, logged once too.
        for (let i = 1; i < reasons.length; i++) expect(reasons[i]).not.toBe(reasons[i - 1]);
        // The last target of the single phases keeps its scrape loop: already reported.
        if (name === names[names.length - 1]) expect(reasons[0]).not.toBe(HOSTILE[name]);
        else expect([HOSTILE[name], "memory_limit", "timeout"]).toContain(reasons[0]);
      }
      const end = Date.now();
      const scrapes = targets.healthyScrapes.filter((t) => t >= start && t <= end);
      const gaps = scrapes.slice(1).map((t, i) => t - scrapes[i]);
      const longest = gaps.indexOf(Math.max(...gaps));
      const during = phaseStarts.findLast((p) => p.at <= scrapes[longest])?.name;
      console.log(
        `healthy: ${scrapes.length} scrapes in ${((end - start) / 1000).toFixed(1)} s, longest gap ${gaps[longest]} ms (during ${during})`,
      );
      // No scrape of the 1 s interval is held back by a hostile target (each has its own
      // timeout, 1 s, and limits): on a loaded machine (CI, beside the other tests) a scrape
      // started up to ~0.8 s late, on a slow VM beside another shard 1.16 s (a 2,161 ms gap),
      // while the agent's thread was shared with the hostile bodies' parses and collections.
      // A target waiting on a hostile one would leave gaps of several seconds. So one tick
      // may be lost to load (a ~2 s gap, 89 scrapes in 91.2 s on a twelfth VM), besides the
      // window's partial first and last seconds; no more.
      expect(Math.max(...gaps)).toBeLessThan(2_500);
      expect(scrapes.length).toBeGreaterThanOrEqual(Math.floor((end - start) / 1000) - 2);
      expect(warnings().filter((w) => w.job === "healthy")).toEqual([]);
    },
    { timeout: 180_000 },
  );
});
