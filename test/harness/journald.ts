/**
 * A live systemd-journald for tests, in a journal namespace of its own: its sockets under
 * /run/systemd/journal.<ns>/ and its files under /var/log/journal/<machine-id>.<ns>, so the
 * host's journal (and /dev/log) are never touched. Needs root, as journald does.
 */
import { existsSync, rmSync } from "node:fs";

/** A running namespaced journald. */
export interface JournaldHandle {
  namespace: string;
  /** Writes `message` the way a program's syslog(3) call does, through `logger`. */
  logger(message: string, tag?: string): Promise<void>;
  stop(): Promise<void>;
}

const JOURNALD = "/lib/systemd/systemd-journald";

/** Whether a namespaced journald can be started here (the binary exists and we are root). */
export function canRunJournald(): boolean {
  return existsSync(JOURNALD) && process.getuid?.() === 0 && Bun.which("logger") !== null;
}

/** Starts journald in namespace `outpost<random>` and waits for its syslog socket. */
export async function startJournald(): Promise<JournaldHandle> {
  const namespace = `outpost${Math.random().toString(36).slice(2, 10)}`;
  const run = `/run/systemd/journal.${namespace}`;
  const proc = Bun.spawn([JOURNALD, namespace], { stdout: "ignore", stderr: "ignore" });
  const deadline = Date.now() + 10_000;
  while (!existsSync(`${run}/dev-log`)) {
    if (Date.now() > deadline || proc.exitCode !== null)
      throw new Error(`Cannot start systemd-journald in namespace ${namespace}`);
    await Bun.sleep(50);
  }
  return {
    namespace,
    async logger(message, tag = "outpost-test") {
      const p = Bun.spawn(["logger", `--socket=${run}/dev-log`, "-t", tag, message]);
      if ((await p.exited) !== 0) throw new Error(`Cannot write to the journal: logger failed`);
    },
    async stop() {
      proc.kill();
      await proc.exited;
      rmSync(run, { recursive: true, force: true });
      const machine = (await Bun.file("/etc/machine-id").text()).trim();
      rmSync(`/var/log/journal/${machine}.${namespace}`, { recursive: true, force: true });
    },
  };
}
