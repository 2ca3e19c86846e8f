/**
 * MariaDB for the integrations' tests, from Debian's mariadb-server: a fresh data folder
 * (mariadb-install-db) and mariadbd on a free loopback port with its socket in the temp
 * folder, real grants and a monitoring user; and mysqld_exporter 0.14 pointed at it. Never
 * the machine's own instance. Stopped after, and killed on exit.
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL, type Subprocess } from "bun";
import { freePort } from "./ports.ts";
import { type ServiceExporter, startExporter } from "./service_exporters.ts";

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/** The monitoring user the harness creates, with what mysqld_exporter's README asks for. */
export const MONITOR = { user: "exporter", password: "exporter-secret" };

/** A running MariaDB. */
export interface TestMariadb {
  port: number;
  /** The server's Unix socket. */
  socket: string;
  pid: number;
  /** `127.0.0.1:<port>`. */
  address: string;
  /** The temp folder (data, socket, log). */
  dir: string;
  /** Runs statements as root (over the socket, no password). */
  admin(statements: string): Promise<void>;
  stop(): Promise<void>;
}

const MARIADBD = "/usr/sbin/mariadbd";
const INSTALL_DB = "/usr/bin/mariadb-install-db";
const MYSQLD_EXPORTER = "/usr/bin/prometheus-mysqld-exporter";

/** Options of a test MariaDB: replication needs a binary log and distinct server ids. */
export interface MariadbOptions {
  /** Writes a binary log (a replication source). */
  binlog?: boolean;
  serverId?: number;
  /** More server options, e.g. a plugin to load. */
  args?: string[];
}

/** Starts a fresh MariaDB on a free port, with the MONITOR user granted what the exporter needs. */
export async function startMariadb(opts: MariadbOptions = {}): Promise<TestMariadb> {
  if (!existsSync(MARIADBD) || !existsSync(INSTALL_DB))
    throw new Error("Cannot start MariaDB: install the mariadb-server package");
  const dir = mkdtempSync(join(tmpdir(), "outpost-mariadb-"));
  const data = join(dir, "data");
  // Its own folder for temporary tables, not the shared /tmp: a bootstrap in a full run failed
  // deleting its own `#sql-temptable-….MAI` there ("Errcode: 2"), with the other shard's
  // MariaDBs and the machine's own beside it.
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  // As root, the server runs as root (--user=root): no chown of the temp folder needed.
  const user = process.getuid?.() === 0 ? ["--user=root"] : [];
  const install = () =>
    Bun.spawnSync(
      [
        INSTALL_DB,
        "--no-defaults",
        `--datadir=${data}`,
        `--tmpdir=${tmp}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        ...user,
      ],
      { stdout: "ignore", stderr: "pipe" },
    );
  let init = install();
  if (init.exitCode !== 0) {
    // Once more, from an empty data folder, before reporting it.
    rmSync(data, { recursive: true, force: true });
    init = install();
  }
  if (init.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Cannot install MariaDB in ${data}: ${init.stderr.toString().trim()}`);
  }
  const socket = join(dir, "mysqld.sock");
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = Bun.spawn(
      [
        MARIADBD,
        "--no-defaults",
        `--datadir=${data}`,
        `--tmpdir=${tmp}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${socket}`,
        `--pid-file=${join(dir, "mariadbd.pid")}`,
        `--log-error=${join(dir, "error.log")}`,
        // Small and quick: a test instance, not a tuned one.
        "--innodb-buffer-pool-size=16M",
        "--innodb-flush-log-at-trx-commit=0",
        opts.binlog ? `--log-bin=${join(dir, "binlog")}` : "--skip-log-bin",
        `--server-id=${opts.serverId ?? 1}`,
        ...(opts.args ?? []),
        ...user,
      ],
      { stdout: "ignore", stderr: "ignore" },
    );
    children.add(proc);
    const admin = async (statements: string) => {
      const sql = new SQL({ adapter: "mysql", path: socket, username: "root", max: 1 });
      try {
        for (const s of statements.split(";").map((x) => x.trim()))
          if (s !== "") await sql.unsafe(s);
      } finally {
        await sql.close();
      }
    };
    const ready = () =>
      existsSync(socket)
        ? admin("SELECT 1").then(
            () => true,
            () => false,
          )
        : false;
    if (
      (await waitFor(async () => (await ready()) || proc.exitCode !== null, 30_000)) &&
      proc.exitCode === null
    ) {
      const { user: u, password: p } = MONITOR;
      for (const host of ["localhost", "127.0.0.1"])
        await admin(
          `CREATE USER '${u}'@'${host}' IDENTIFIED BY '${p}'; GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO '${u}'@'${host}'`,
        );
      const stop = async () => {
        proc.kill(); // SIGTERM: a clean shutdown
        await proc.exited;
        children.delete(proc);
        rmSync(dir, { recursive: true, force: true });
      };
      return { port, socket, pid: proc.pid, address: `127.0.0.1:${port}`, dir, admin, stop };
    }
    proc.kill("SIGKILL");
    await proc.exited;
    children.delete(proc);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error("Cannot start MariaDB: it exited three times before listening");
}

/** mysqld_exporter with its default collectors, logging in as MONITOR through a my.cnf. */
export function startMysqldExporter(db: TestMariadb): Promise<ServiceExporter> {
  if (!existsSync(MYSQLD_EXPORTER))
    throw new Error("Cannot start mysqld_exporter: install the prometheus-mysqld-exporter package");
  const cnf = join(db.dir, "exporter.cnf");
  writeFileSync(
    cnf,
    `[client]\nuser=${MONITOR.user}\npassword=${MONITOR.password}\nhost=127.0.0.1\nport=${db.port}\n`,
    { mode: 0o600 },
  );
  return startExporter(
    (listen) => [MYSQLD_EXPORTER, `--config.my-cnf=${cnf}`, `--web.listen-address=${listen}`],
    {},
    "mysql_up",
  );
}

async function waitFor(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await Bun.sleep(100);
  }
  return false;
}

/** Makes `replica` replicate from `source` (started with `binlog`) and waits until both threads run. */
export async function replicate(source: TestMariadb, replica: TestMariadb): Promise<void> {
  await source.admin(
    "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'",
  );
  // Start at the source's current position: both already have the monitoring user, which
  // replaying the source's binary log from its start would create a second time.
  const pos = new SQL({ adapter: "mysql", path: source.socket, username: "root", max: 1 });
  const [{ gtid }] = (await pos.unsafe("SELECT @@gtid_binlog_pos AS gtid")) as { gtid: string }[];
  await pos.close();
  await replica.admin(
    `SET GLOBAL gtid_slave_pos = '${gtid}'; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${source.port}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos; START SLAVE`,
  );
  const sql = new SQL({ adapter: "mysql", path: replica.socket, username: "root", max: 1 });
  try {
    let last: Record<string, unknown> = {};
    const running = async () => {
      [last] = (await sql.unsafe("SHOW SLAVE STATUS")) as Record<string, unknown>[];
      return last?.Slave_IO_Running === "Yes" && last?.Slave_SQL_Running === "Yes";
    };
    if (!(await waitFor(running, 20_000)))
      throw new Error(
        `Cannot start replication from port ${source.port} to ${replica.port}: ${last?.Last_IO_Error || last?.Last_SQL_Error || "not running"}`,
      );
  } finally {
    await sql.close();
  }
}
