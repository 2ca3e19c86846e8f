/**
 * Debian's Alertmanager 0.25 on a free port with its own storage and no cluster port, a
 * webhook sink (an HTTP server that records each request's path, body and arrival time), and
 * `amtool` run against any URL.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";

/** The Alertmanager binary Debian installs. */
export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
/** Debian's amtool (0.25). */
export const AMTOOL = "/usr/bin/amtool";

/** The configuration used when a test names none: one receiver, nothing sent. */
const MINIMAL = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

/** A running Alertmanager. */
export interface RunningAlertmanager {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager with `configFile` (a minimal one when absent); resolves once it answers
 * `/-/ready`.
 */
export async function startAlertmanager(configFile?: string): Promise<RunningAlertmanager> {
  const storage = mkdtempSync(join(tmpdir(), "outpost-am-"));
  if (configFile === undefined) {
    configFile = join(storage, "am.yml");
    writeFileSync(configFile, MINIMAL);
  }
  const port = await freePort();
  const proc = Bun.spawn(
    [
      ALERTMANAGER,
      `--config.file=${configFile}`,
      `--storage.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill();
    await proc.exited;
    rmSync(storage, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    if (proc.exitCode !== null) break;
    await Bun.sleep(100);
  }
  await stop();
  throw new Error(`Cannot start Alertmanager: ${await new Response(proc.stderr).text()}`);
}

/** A request a sink received. */
export interface Received {
  readonly path: string;
  readonly body: unknown;
  /** Arrival, ms since the epoch. */
  readonly at: number;
  readonly headers: Headers;
}

/** A webhook sink. */
export interface Sink {
  readonly url: string;
  readonly received: Received[];
  stop(): void;
}

/** Starts a sink; `answer` chooses the response status for a path (200 by default). */
export function startSink(answer: (path: string) => number | Promise<number> = () => 200): Sink {
  const received: Received[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const at = Date.now();
      const path = new URL(req.url).pathname;
      received.push({ path, body: await req.json(), at, headers: req.headers });
      return new Response("", { status: await answer(path) });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    stop: () => server.stop(true),
  };
}

/** What one amtool command did. */
export interface AmtoolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `amtool --alertmanager.url=<url> …args` in `cwd`. */
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
