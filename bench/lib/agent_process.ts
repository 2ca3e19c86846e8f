/**
 * The agent as a child process for benchmarks (`bun cli/outpost.ts agent --config FILE`), with
 * its spool and log in a temporary directory, and its own /metrics read back as numbers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../../test/harness/ports.ts";

const CLI = resolve(import.meta.dir, "../../cli/outpost.ts");
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;
const live = new Set<Subprocess>();

// A crash of the benchmark must not leave an agent scraping in the background.
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

/** What the agent is configured with besides its identity and spool. */
export interface AgentOptions {
  id: string;
  natsUrl: string;
  /** The `scrape_configs:` section, as YAML. */
  scrapeConfigs: string;
  /** More top-level YAML (e.g. a `batch:` section). */
  extraYaml?: string;
  /** More environment for the agent process (e.g. `BUN_JSC_*` runtime options to compare). */
  env?: Record<string, string>;
  /** Another checkout to run the agent from (a before/after in the same window). */
  root?: string;
  /** A compiled agent (`make agent-binary`: dist/outpost-agent) to run instead of the sources. */
  binary?: string;
}

/** The agent's /metrics, one number per series (`name{labels}` as written by the agent). */
export type MetricValues = Map<string, number>;

/** Sum of every series of `name` whose labels contain `labelText` (e.g. `result="success"`). */
export function total(values: MetricValues, name: string, labelText = ""): number {
  let sum = 0;
  for (const [series, v] of values) {
    const brace = series.indexOf("{");
    const n = brace < 0 ? series : series.slice(0, brace);
    if (n === name && series.includes(labelText)) sum += v;
  }
  return sum;
}

/** A running agent process. */
export interface AgentProcess {
  readonly pid: number;
  /** Reads the agent's /metrics. */
  metrics(): Promise<MetricValues>;
  /** Polls /metrics until `done` holds, or fails after `timeoutMs`. */
  waitFor(
    what: string,
    done: (m: MetricValues) => boolean,
    timeoutMs?: number,
  ): Promise<MetricValues>;
  /** Stops the agent (SIGTERM, then SIGKILL after a grace period) and removes its directory. */
  stop(): Promise<void>;
}

/** Starts the agent with a generated config and resolves once it reports ready. */
export async function startAgent(opts: AgentOptions): Promise<AgentProcess> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-bench-agent-"));
  const listen = `127.0.0.1:${await freePort()}`;
  const config = join(dir, "agent.yaml");
  writeFileSync(
    config,
    `agent:\n  id: ${opts.id}\n  http_listen: "${listen}"\nnats:\n  url: ${opts.natsUrl}\nspool:\n  dir: spool\n${opts.extraYaml ?? ""}${opts.scrapeConfigs}`,
  );
  const logFile = join(dir, "agent.log");
  // OUTPOST_BENCH_BUN_FLAGS (e.g. "--smol") runs the agent with other runtime flags.
  const flags = process.env.OUTPOST_BENCH_BUN_FLAGS?.split(" ").filter(Boolean) ?? [];
  const cli = opts.root ? resolve(opts.root, "cli/outpost.ts") : CLI;
  const command = opts.binary
    ? [opts.binary, "--config", config]
    : [process.execPath, ...flags, cli, "agent", "--config", config];
  const proc = Bun.spawn(command, {
    // The runtime settings the agent ships with (package.json's `outpost` script and
    // scripts/outpost-agent.service set them too): no idle GC timer wake-ups.
    env: { ...process.env, BUN_GC_TIMER_DISABLE: "1", ...opts.env },
    stdin: "ignore",
    stdout: "ignore",
    stderr: Bun.file(logFile),
  });
  live.add(proc);
  const agent = new RunningAgent(proc, `http://${listen}`, dir, logFile);
  try {
    await agent.waitReady();
  } catch (err) {
    await agent.stop();
    throw err;
  }
  return agent;
}

class RunningAgent implements AgentProcess {
  constructor(
    private readonly proc: Subprocess,
    private readonly url: string,
    private readonly dir: string,
    private readonly logFile: string,
  ) {}

  get pid(): number {
    return this.proc.pid;
  }

  async metrics(): Promise<MetricValues> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const values: MetricValues = new Map();
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const sp = line.lastIndexOf(" ");
      values.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    return values;
  }

  async waitFor(
    what: string,
    done: (m: MetricValues) => boolean,
    timeoutMs = 60_000,
  ): Promise<MetricValues> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.assertRunning(what);
      const m = await this.metrics();
      if (done(m)) return m;
      if (Date.now() > deadline)
        throw new Error(`Cannot wait for ${what}: not reached after ${timeoutMs} ms`);
      await Bun.sleep(250);
    }
  }

  async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      this.assertRunning("the agent to be ready");
      const ok = await fetch(`${this.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`Cannot start the agent: not ready after ${READY_TIMEOUT_MS} ms`);
      await Bun.sleep(100);
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), STOP_GRACE_MS);
      await this.proc.exited;
      clearTimeout(timer);
    }
    live.delete(this.proc);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private assertRunning(what: string): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) return;
    const log = readFileSync(this.logFile, "utf8").slice(-4_000);
    throw new Error(`Cannot wait for ${what}: the agent exited (${this.proc.exitCode})\n${log}`);
  }
}

/**
 * `--jsc useDFGJIT=0,…` as an agent's environment (`BUN_JSC_useDFGJIT=0`), or null; a name
 * starting `MIMALLOC_` or `BUN_` is taken whole.
 */
export function jscEnv(text: string): Record<string, string> | null {
  if (text === "") return null;
  return Object.fromEntries(
    text.split(",").map((kv) => {
      const [k, v] = kv.split("=");
      return [/^(MIMALLOC|BUN)_/.test(k) ? k : `BUN_JSC_${k}`, v ?? ""];
    }),
  );
}
