/**
 * memcached and RabbitMQ for the integrations' tests, from Debian's packages, on free ports
 * in temp folders, never the machine's own instances. RabbitMQ runs as its own node (its own
 * name, ports, Mnesia and log folders, plugins file and Erlang cookie) beside any system one;
 * it starts in ~10 s on an idle machine, so a start that misses its deadline returns the
 * reason and the test skips. Everything started is killed on exit.
 */

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

const children = new Set<Subprocess>();
/** RabbitMQ's Erlang VMs: the start script's child, which a kill of the script leaves running. */
const beams = new Set<number>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
  for (const pid of beams) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** A running service started by the harness. */
export interface TestService {
  port: number;
  pid: number;
  address: string;
  stop(): Promise<void>;
}

/** A running memcached. */
export type TestMemcached = TestService;

/**
 * Starts memcached on a free loopback port (64 MiB, no UDP); with `log`, verbose (`-vv`) with
 * its stderr written to that file, as a start script redirecting its output would.
 */
export async function startMemcached(opts: { log?: string } = {}): Promise<TestMemcached> {
  if (!existsSync("/usr/bin/memcached"))
    throw new Error("Cannot start memcached: install the memcached package");
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const user = process.getuid?.() === 0 ? ["-u", "nobody"] : [];
    const argv = ["memcached", "-l", "127.0.0.1", "-p", String(port), "-U", "0", "-m", "64"];
    if (opts.log) argv.push("-vv");
    const stderr = opts.log ? Bun.file(opts.log) : "ignore";
    const proc = Bun.spawn([...argv, ...user], { stdout: "ignore", stderr });
    children.add(proc);
    if (await listening(port, proc, 10_000))
      return { port, pid: proc.pid, address: `127.0.0.1:${port}`, stop: stopper(proc) };
    await kill(proc);
  }
  throw new Error("Cannot start memcached: it exited three times before listening");
}

/** A running RabbitMQ node. */
export interface TestRabbitmq extends TestService {
  /** The node's name, `outpost-test-<n>@localhost`. */
  node: string;
  /** The management API (`http://127.0.0.1:<port>`), with guest/guest. */
  managementUrl: string;
  /** The Prometheus plugin's page, `http://127.0.0.1:<port>/metrics`. */
  prometheusUrl: string;
  /** The node's log file. */
  logFile: string;
}

const RABBIT = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/**
 * Starts a RabbitMQ node with the management and Prometheus plugins on free ports; resolves
 * to a string saying why when it cannot (not installed, or not serving within `deadlineMs`).
 */
export async function startRabbitmq(deadlineMs = 60_000): Promise<TestRabbitmq | string> {
  if (!existsSync(RABBIT)) return "rabbitmq-server is not installed";
  const dir = mkdtempSync(join(tmpdir(), "outpost-rabbit-"));
  const [amqp, dist, mgmt, prom] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const node = `outpost-test-${amqp}@localhost`;
  writeFileSync(join(dir, "enabled_plugins"), "[rabbitmq_management,rabbitmq_prometheus].\n");
  writeFileSync(
    join(dir, "rabbitmq.conf"),
    [
      `listeners.tcp.1 = 127.0.0.1:${amqp}`,
      `management.tcp.port = ${mgmt}`,
      "management.tcp.ip = 127.0.0.1",
      `prometheus.tcp.port = ${prom}`,
      "prometheus.tcp.ip = 127.0.0.1",
      // The stats DB's default 5 s would make the side-by-side wait; 1 s is enough.
      "collect_statistics_interval = 1000",
      "",
    ].join("\n"),
  );
  const env = {
    ...process.env,
    // Its own cookie: HOME holds .erlang.cookie, so the system node's is never read or written.
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(amqp),
    RABBITMQ_DIST_PORT: String(dist),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_PID_FILE: join(dir, "pid"),
  };
  const proc = Bun.spawn([RABBIT], { env, cwd: dir, stdout: "ignore", stderr: "ignore" });
  children.add(proc);
  const prometheusUrl = `http://127.0.0.1:${prom}/metrics`;
  const managementUrl = `http://127.0.0.1:${mgmt}`;
  const up = await waitFor(async () => {
    const a = await fetch(prometheusUrl).then(
      (r) => r.ok,
      () => false,
    );
    // Ready when the management stats DB has the node's numbers too (a few seconds after start).
    const nodeUrl = `${managementUrl}/api/nodes/${encodeURIComponent(node)}`;
    const b = await fetch(nodeUrl, { headers: guest() }).then(
      async (r) => r.ok && "mem_used" in ((await r.json()) as object),
      () => false,
    );
    return (a && b) || proc.exitCode !== null;
  }, deadlineMs);
  if (!up || proc.exitCode !== null) {
    await kill(proc);
    rmSync(dir, { recursive: true, force: true });
    return proc.exitCode !== null && up
      ? "rabbitmq-server exited at start"
      : `rabbitmq-server did not serve its plugins within ${deadlineMs} ms`;
  }
  const beam = Number(
    (
      await Bun.file(join(dir, "pid"))
        .text()
        .catch(() => "0")
    ).trim(),
  );
  if (beam > 0) beams.add(beam);
  const stop = async () => {
    await kill(proc, beam);
    rmSync(dir, { recursive: true, force: true });
  };
  const logFile = join(dir, "log", `${node}.log`);
  const address = `127.0.0.1:${amqp}`;
  return { port: amqp, pid: beam, address, node, managementUrl, prometheusUrl, logFile, stop };
}

/** guest/guest, which RabbitMQ accepts from loopback. */
export function guest(): Record<string, string> {
  return { authorization: `Basic ${Buffer.from("guest:guest").toString("base64")}` };
}

function stopper(proc: Subprocess): () => Promise<void> {
  return async () => {
    proc.kill();
    await proc.exited;
    children.delete(proc);
  };
}

/** Kills the child (and the Erlang VM it started, which outlives a killed start script). */
async function kill(proc: Subprocess, beam = 0): Promise<void> {
  if (beam > 0) {
    try {
      process.kill(beam, "SIGTERM");
      await waitFor(async () => !existsSync(`/proc/${beam}`), 15_000);
      beams.delete(beam);
    } catch {
      // already gone
    }
  }
  proc.kill("SIGKILL");
  await proc.exited;
  children.delete(proc);
}

async function listening(port: number, proc: Subprocess, ms: number): Promise<boolean> {
  const ok = await waitFor(
    () =>
      Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
        (s) => {
          s.end();
          return true;
        },
        () => proc.exitCode !== null,
      ),
    ms,
  );
  return ok && proc.exitCode === null;
}

async function waitFor(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await Bun.sleep(100);
  }
  return false;
}

/** A running nats-server. */
export interface TestNats extends TestService {
  /** `http://127.0.0.1:<port>` when started with a monitoring port, else null. */
  monitorUrl: string | null;
}

/**
 * Starts nats-server (JetStream on) on a free port, with a monitoring port unless told not to,
 * and with `log`, logging to that file (`-l`).
 */
export async function startNats(opts: { monitor?: boolean; log?: string } = {}): Promise<TestNats> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), "outpost-nats-mq-"));
    const port = await freePort();
    const monitor = opts.monitor === false ? null : await freePort();
    const argv = ["nats-server", "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir];
    if (monitor) argv.push("-m", String(monitor));
    if (opts.log) argv.push("-l", opts.log);
    const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
    children.add(proc);
    // nats-server opens its monitoring port before JetStream is up and long before its client
    // port (a client connecting then was refused, in CI): wait for the client port too.
    const up =
      (monitor === null || (await listening(monitor, proc, 10_000))) &&
      (await listening(port, proc, 10_000));
    if (up) {
      const stop = stopper(proc);
      return {
        port,
        pid: proc.pid,
        address: `127.0.0.1:${port}`,
        monitorUrl: monitor ? `http://127.0.0.1:${monitor}` : null,
        stop: async () => {
          await stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await kill(proc);
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error("Cannot start nats-server: it exited three times before listening");
}

/** Stores two items and reads one, so `stats items` and `stats slabs` have a slab class. */
export async function seedMemcached(mc: TestMemcached): Promise<void> {
  const s = await Bun.connect({ hostname: "127.0.0.1", port: mc.port, socket: { data() {} } });
  s.write("set a 0 0 1\r\nx\r\nset b 0 0 3\r\nyyy\r\nget a\r\nget zz\r\n");
  await Bun.sleep(200);
  s.end();
}
