/**
 * Debian's Alertmanager 0.25 (`/usr/bin/prometheus-alertmanager`) on a free port with a
 * minimal configuration and a temporary store, gossip off, as the reference beside Outpost's
 * notifier; and `amtool` run against any URL.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";

/** Where Debian installs the binaries. */
export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
/** Debian's amtool (0.25). */
export const AMTOOL = "/usr/bin/amtool";

const MINIMAL = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

/** A running Alertmanager. */
export interface AlertmanagerHandle {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts Alertmanager and resolves once `/-/ready` answers. */
export async function startAlertmanager(config = MINIMAL): Promise<AlertmanagerHandle> {
  const dir = await mkdtemp(join(tmpdir(), "outpost-am-"));
  await writeFile(join(dir, "am.yml"), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn(
    [
      ALERTMANAGER,
      `--config.file=${join(dir, "am.yml")}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    await Bun.sleep(50);
  }
  await stop();
  throw new Error(`Cannot start Alertmanager on port ${port}: not ready after 10 s`);
}

/** What one amtool command did. */
export interface AmtoolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `amtool --alertmanager.url=<url> …args`, with stdin if given. */
export async function amtool(
  url: string,
  args: readonly string[],
  cwd?: string,
): Promise<AmtoolRun> {
  const proc = Bun.spawn([AMTOOL, `--alertmanager.url=${url}`, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    cwd,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}
