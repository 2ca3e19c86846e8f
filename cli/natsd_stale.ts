import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

/** How long a leftover nats-server gets to exit on SIGTERM before it is killed. */
const STALE_GRACE_MS = 10_000;

/**
 * Stops a nats-server that an earlier `outpost up` on the same data dir left running (it was
 * killed with SIGKILL where `setpriv` is missing, or the pid file outlived a crash): it would
 * hold the port and the JetStream store. The pid in `pidFile` counts only while /proc shows a
 * nats-server of this `storeDir` under it, so a reused pid is never signalled. Returns the pid
 * it stopped, or null.
 */
export async function stopStaleNatsServer(
  pidFile: string,
  storeDir: string,
): Promise<number | null> {
  const pid = readPid(pidFile);
  if (pid === null || !isNatsServerOf(pid, storeDir)) {
    rmSync(pidFile, { force: true });
    return null;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + STALE_GRACE_MS;
  while (isNatsServerOf(pid, storeDir)) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await Bun.sleep(50);
  }
  rmSync(pidFile, { force: true });
  return pid;
}

/** The pid of the nats-server of `storeDir` that `pidFile` names, if it is running. */
export function runningNatsServer(pidFile: string, storeDir: string): number | null {
  const pid = readPid(pidFile);
  return pid !== null && isNatsServerOf(pid, storeDir) ? pid : null;
}

function readPid(pidFile: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Whether `pid` runs nats-server with this store (an exited one has an empty cmdline): given
 * as `-sd storeDir`, or in the config file `up` writes beside it (cli/nats_auth.ts).
 */
function isNatsServerOf(pid: number, storeDir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const conf = join(dirname(storeDir), "nats-server.conf");
    return (
      argv.some((a) => a.endsWith("nats-server")) &&
      (argv.includes(storeDir) || argv.includes(conf))
    );
  } catch {
    return false;
  }
}
