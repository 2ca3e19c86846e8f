/**
 * What the end-to-end benchmarks run around the agent: the replay exporters in a process of
 * their own, the JetStream stream's state (from nats-server's monitoring port, so the bench needs
 * no NATS client), and a teardown that stops every child on success, error or Ctrl-C.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

const REPLAY_SERVER = resolve(import.meta.dir, "replay_server.ts");
// The first run generates the 10,000-series data set (a Python script): allow for it.
const REPLAY_START_TIMEOUT_MS = 300_000;

/** The replay exporters' process. */
export interface ReplayServer {
  readonly pid: number;
  /** host:port of each target. */
  readonly addresses: string[];
  stop(): Promise<void>;
}

/** Starts `bench/lib/replay_server.ts` with `targets` ports and waits until they listen. */
export async function startReplayServer(targets: number): Promise<ReplayServer> {
  const proc = Bun.spawn(
    [process.execPath, REPLAY_SERVER, "--targets", String(targets)],
    // Our end of its stdin pipe closes when we exit, however we exit: that stops it.
    { stdin: "pipe", stdout: "pipe", stderr: "inherit" },
  );
  const stop = async () => {
    proc.kill();
    await proc.exited;
  };
  const reader = proc.stdout.getReader();
  const timer = setTimeout(() => proc.kill(), REPLAY_START_TIMEOUT_MS);
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Cannot start the replay server: it exited (${await proc.exited})`);
      text += new TextDecoder().decode(value);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const { addresses } = JSON.parse(text) as { addresses: string[] };
  return { pid: proc.pid, addresses, stop };
}

/** Messages and bytes a JetStream stream holds. */
export interface StreamState {
  messages: number;
  bytes: number;
}

/** Reads a stream's state from nats-server's monitoring endpoint (`/jsz?streams=true`). */
export async function streamState(monitorPort: number, stream: string): Promise<StreamState> {
  const res = await fetch(`http://127.0.0.1:${monitorPort}/jsz?streams=true`);
  const jsz = (await res.json()) as {
    account_details?: { stream_detail?: { name: string; state: StreamState }[] }[];
  };
  for (const account of jsz.account_details ?? [])
    for (const s of account.stream_detail ?? []) if (s.name === stream) return s.state;
  return { messages: 0, bytes: 0 };
}

/**
 * Steps that undo what a benchmark started, run newest first. Ctrl-C or SIGTERM runs them too
 * before exiting, so no child outlives the benchmark.
 */
export class Teardown {
  private readonly steps: { what: string; step: () => Promise<void> | void }[] = [];
  private readonly onSignal = async () => {
    await this.run();
    process.exit(130);
  };

  constructor() {
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  /** Adds a step; `what` names it in the error message if it fails. */
  defer(what: string, step: () => Promise<void> | void): void {
    this.steps.push({ what, step });
  }

  /** Runs every step once, newest first, even if some fail. */
  async run(): Promise<void> {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    for (let s = this.steps.pop(); s; s = this.steps.pop()) {
      try {
        await s.step();
      } catch (err) {
        console.error(`Cannot stop ${s.what}: ${(err as Error).message}`);
      }
    }
  }
}

/** Writes a progress line to stderr (stdout carries only the figures). */
export function progress(message: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/**
 * The directory holding both servers' copies of `file` (`outpost/` and `prometheus/data/`): a
 * fresh temporary one named `prefix…`, removed at teardown, or `kept` (a bench's `--data`),
 * reused as it is once it holds this file's import. `load(root, tsdb)` fills an empty one; a
 * marker written after it says the import is whole.
 */
export async function benchDataDirectory(
  file: string,
  kept: string | undefined,
  prefix: string,
  teardown: Teardown,
  load: (root: string, tsdb: string) => Promise<void>,
): Promise<string> {
  const root = kept ?? (await mkdtemp(join(tmpdir(), prefix)));
  if (kept === undefined)
    teardown.defer("the bench directory", () => rm(root, { recursive: true, force: true }));
  const done = join(root, `imported-${basename(file)}`);
  if (await Bun.file(done).exists()) return root;
  // Only what the bench made: `--data` may name a directory holding other things.
  for (const sub of ["outpost", "prometheus"])
    await rm(join(root, sub), { recursive: true, force: true });
  const tsdb = join(root, "prometheus", "data");
  await mkdir(tsdb, { recursive: true });
  await load(root, tsdb);
  await Bun.write(done, "");
  return root;
}
