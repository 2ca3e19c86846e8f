/**
 * `outpost up` as a user runs it, for tests: a fresh data dir, free ports, and a stop as
 * Ctrl-C that reports what was left running (and kills it, so a failed test leaves nothing).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Interruptible, portsInUse, processesMentioning, startOutpost } from "./interrupt.ts";
import { freePort } from "./ports.ts";

/** A running `outpost up`. */
export interface UpRun {
  run: Interruptible;
  /** Its data dir. */
  data: string;
  /** Its nats, HTTP and agent ports. */
  ports: number[];
  /** The aggregator's base URL. */
  url: string;
}

/** Every data dir started, so that `killLeftovers` can clean up after a failed test. */
const dataDirs: string[] = [];

/**
 * `outpost up` on a fresh data dir (named after `prefix`) and free ports, with `args` added;
 * `at` gives it a data dir (an earlier run's) or a NATS port of the test's instead, or none
 * (`natsPort: null`: no --nats-port, up picks), and `wrap` a command to run it under.
 */
export async function startUp(
  prefix: string,
  args: string[],
  at: { data?: string; natsPort?: number | null; wrap?: readonly string[] } = {},
): Promise<UpRun> {
  const data = at.data ?? join(mkdtempSync(join(tmpdir(), prefix)), "data");
  dataDirs.push(data);
  const ports = [at.natsPort ?? (await freePort()), await freePort(), await freePort()];
  const [nats, http, agent] = ports.map(String);
  const natsFlag = at.natsPort === null ? [] : ["--nats-port", nats];
  const flags = ["--data-dir", data, ...natsFlag, "--http-port", http];
  const run = startOutpost(["up", ...flags, "--agent-port", agent, ...args], at.wrap);
  return { run, data, ports, url: `http://127.0.0.1:${http}` };
}

/** Stops `up` as Ctrl-C does; its exit code and what it left running (killed). */
export async function stopUp({ run, data, ports }: UpRun) {
  run.signal("SIGINT", "group");
  const code = await run.exited(20_000);
  const pids = processesMentioning(data);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  return { code, pids, ports: await portsInUse(ports) };
}

/** Waits for an `up` that refuses to start to exit; its exit code and what it left running. */
export async function refusedUp({ run, data, ports }: UpRun) {
  const code = await run.exited(20_000);
  return { code, pids: processesMentioning(data), ports: await portsInUse(ports) };
}

/** Kills whatever any `startUp` of this test file left running; for `afterAll`. */
export function killLeftovers(): void {
  for (const pid of dataDirs.flatMap((d) => processesMentioning(d))) process.kill(pid, "SIGKILL");
}

/** Writes `text` into `dir` as `name`; returns the path. */
export function writeIn(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
