/**
 * Interrupting an `outpost` command as a terminal would: the command runs in its own process
 * group, a test waits for a cue (a time, a line of output, a file), sends a signal to the group
 * or to the command alone, and then looks for anything the command left running.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { portInUse } from "../../cli/natsd.ts";

const ROOT = resolve(import.meta.dir, "../..");

/** When to send the signal: after some milliseconds, a line of output, or a file existing. */
export type Cue = { afterMs: number } | { output: string } | { file: string };

/** An `outpost` command started in a process group of its own. */
export interface Interruptible {
  readonly proc: Subprocess;
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves once `cue` has happened; throws if the command exits first or after 30 s. */
  waitFor(cue: Cue): Promise<void>;
  /** Sends `sig` to the whole group (as Ctrl-C in a terminal does) or to the command only. */
  signal(sig: "SIGINT" | "SIGTERM" | "SIGHUP", to: "group" | "process"): void;
  /** Waits at most `ms` for the exit; returns the exit code, or 128 + n for death by signal n. */
  exited(ms: number): Promise<number>;
}

/**
 * Runs `bun cli/outpost.ts ...args` detached (a new session and process group), under
 * `wrap` (a command such as test/harness/opens.ts's strace) when given.
 */
export function startOutpost(args: string[], wrap: readonly string[] = []): Interruptible {
  const proc = Bun.spawn([...wrap, "bun", join(ROOT, "cli/outpost.ts"), ...args], {
    cwd: ROOT,
    detached: true,
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void collect(proc.stdout as ReadableStream<Uint8Array>);
  void collect(proc.stderr as ReadableStream<Uint8Array>);
  return {
    proc,
    output: () => text,
    async waitFor(cue) {
      const start = Date.now();
      for (;;) {
        if ("afterMs" in cue && Date.now() - start >= cue.afterMs) return;
        if ("output" in cue && text.includes(cue.output)) return;
        if ("file" in cue && existsSync(cue.file)) return;
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`Cannot wait for ${JSON.stringify(cue)}: outpost exited\n${text}`);
        if (Date.now() - start > 30_000)
          throw new Error(`Cannot wait for ${JSON.stringify(cue)}: not seen in 30 s\n${text}`);
        await Bun.sleep("afterMs" in cue ? 5 : 10);
      }
    },
    signal(sig, to) {
      if (to === "group") process.kill(-proc.pid, sig);
      else proc.kill(sig);
    },
    async exited(ms) {
      const timer = setTimeout(() => process.kill(-proc.pid, "SIGKILL"), ms);
      await proc.exited;
      clearTimeout(timer);
      const signals: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
      return proc.exitCode ?? 128 + (signals[proc.signalCode ?? ""] ?? 0);
    },
  };
}

/** The pids of live processes whose command line mentions `text` (zombies have none). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The ports of `ports` that something still listens on. */
export async function portsInUse(ports: number[]): Promise<number[]> {
  const used = await Promise.all(ports.map((p) => portInUse(p)));
  return ports.filter((_, i) => used[i]);
}

/**
 * The exit codes a stop by `sig` at `cue` may end with: 0, a clean stop; and for a cue that is
 * only a time, also 128 + the signal, when it came before Bun had loaded the modules and
 * installed the handlers (the default action then ends the process, nothing has started).
 */
export function stopCodes(cue: Cue, sig: "SIGINT" | "SIGTERM"): number[] {
  return "afterMs" in cue ? [0, sig === "SIGINT" ? 130 : 143] : [0];
}
