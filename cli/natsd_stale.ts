import { readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

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
  const owner = runningUp(pidFile, storeDir);
  if (owner !== null) throw new UpRunningError(owner, dirname(storeDir));
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + STALE_GRACE_MS;
  while (isNatsServerOf(pid, storeDir)) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await Bun.sleep(50);
  }
  rmSync(pidFile, { force: true });
  return pid;
}

/** Another `outpost up` runs on the data dir: a second would take its nats-server away. */
export class UpRunningError extends Error {
  constructor(
    readonly pid: number,
    dataDir: string,
  ) {
    super(`an outpost up (pid ${pid}) is already running on ${dataDir}: stop it first`);
  }
}

/**
 * The pid of the `outpost up` still running the nats-server of `storeDir` that `pidFile`
 * names: an up's nats-server is its child until the up dies (then it is left behind).
 */
export function runningUp(pidFile: string, storeDir: string): number | null {
  const pid = runningNatsServer(pidFile, storeDir);
  const owner = pid === null ? null : parentOf(pid);
  return owner !== null && isOutpostUp(owner) ? owner : null;
}

/** The parent of `pid`, from /proc (field 4 of `stat`, after the parenthesised name). */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : null;
  } catch {
    return null;
  }
}

/** Whether `pid` runs `outpost up` (`bun …/outpost.ts up …`, as `bun run outpost up` starts it). */
function isOutpostUp(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const at = argv.findIndex((a) => a.endsWith("outpost.ts") || basename(a) === "outpost");
    return at >= 0 && argv[at + 1] === "up";
  } catch {
    return false;
  }
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
