/**
 * Real services for the integrations' tests, from Debian's packages, on free ports in temp
 * folders: PostgreSQL (initdb, then postgres with its socket in the temp folder) and
 * redis-server. Never the machine's own instances. Stopped after, and killed on exit.
 */

import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/** A running PostgreSQL. */
export interface TestPostgres {
  port: number;
  /** Directory of its Unix socket (`.s.PGSQL.<port>`). */
  socketDir: string;
  /** The postmaster's pid. */
  pid: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  dsn: string;
  stop(): Promise<void>;
}

/** A running redis-server. */
export interface TestRedis {
  port: number;
  pid: number;
  address: string;
  stop(): Promise<void>;
}

/** The bin folder of Debian's newest installed PostgreSQL, or null. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin/initdb")));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], "bin") : null;
}

/** PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user. */
function asPostgresUser(cmd: string[]): string[] {
  return process.getuid?.() === 0
    ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", ...cmd]
    : cmd;
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line)
    throw new Error(
      "Cannot run PostgreSQL as root: there is no postgres user (install the postgresql package)",
    );
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** Options of a test PostgreSQL. */
export interface PostgresOptions {
  /** Server settings passed as `-c name=value`, after (so overriding) the harness's own. */
  settings?: Record<string, string>;
}

/** Starts a fresh PostgreSQL cluster on a free port; trust authentication, fsync off. */
export async function startPostgres(opts: PostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("Cannot start PostgreSQL: install the postgresql package");
  const dir = mkdtempSync(join(tmpdir(), "outpost-pg-"));
  const ids = postgresIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, "data");
  const init = Bun.spawnSync(
    asPostgresUser([join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]),
    { cwd: dir, stdout: "ignore", stderr: "pipe" },
  );
  if (init.exitCode !== 0)
    throw new Error(`Cannot initdb in ${data}: ${init.stderr.toString().trim()}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = Bun.spawn(
      asPostgresUser([
        join(bin, "postgres"),
        ...["-D", data, "-p", String(port), "-k", dir],
        ...["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "logging_collector=off"],
        ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
      ]),
      { cwd: dir, stdout: "ignore", stderr: "ignore" },
    );
    children.add(proc);
    // The socket appears before the server accepts sessions ("the database system is starting
    // up"): ready is when pg_isready says it accepts connections.
    const accepting = () =>
      Bun.spawnSync([join(bin, "pg_isready"), "-q", "-h", dir, "-p", String(port)]).exitCode === 0;
    if (await waitFor(() => proc.exitCode !== null || accepting(), 20_000)) {
      if (proc.exitCode === null) {
        const stop = async () => {
          proc.kill("SIGINT"); // fast shutdown
          await proc.exited;
          children.delete(proc);
          rmSync(dir, { recursive: true, force: true });
        };
        const dsn = `postgres://postgres@127.0.0.1:${port}/postgres`;
        return { port, socketDir: dir, pid: proc.pid, dsn, stop };
      }
    }
    proc.kill("SIGKILL");
    children.delete(proc);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error("Cannot start PostgreSQL: it exited three times before listening");
}

/** Options of a test Redis. */
export interface RedisOptions {
  /** Sets requirepass. */
  password?: string;
  /** Logs to this file (else nowhere) and allows DEBUG from loopback, for `DEBUG LOG` lines. */
  logfile?: string;
}

/** Starts redis-server on a free loopback port, with no persistence. */
export async function startRedis(opts: RedisOptions = {}): Promise<TestRedis> {
  if (!existsSync("/usr/bin/redis-server"))
    throw new Error("Cannot start Redis: install the redis-server package");
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const auth = opts.password ? ["--requirepass", opts.password] : [];
    const log = opts.logfile ? ["--logfile", opts.logfile, "--enable-debug-command", "local"] : [];
    const proc = Bun.spawn(
      [
        "redis-server",
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        ...auth,
        ...log,
      ],
      { stdout: "ignore", stderr: "ignore" },
    );
    children.add(proc);
    const listening = () =>
      Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
        (s) => {
          s.end();
          return true;
        },
        () => proc.exitCode !== null,
      );
    if ((await waitForAsync(listening, 10_000)) && proc.exitCode === null) {
      const stop = async () => {
        proc.kill();
        await proc.exited;
        children.delete(proc);
      };
      return { port, pid: proc.pid, address: `127.0.0.1:${port}`, stop };
    }
    proc.kill("SIGKILL");
    children.delete(proc);
  }
  throw new Error("Cannot start Redis: it exited three times before listening");
}

async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  return waitForAsync(async () => done(), ms);
}

async function waitForAsync(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await Bun.sleep(50);
  }
  return false;
}
