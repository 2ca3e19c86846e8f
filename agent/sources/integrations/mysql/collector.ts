import { SQL } from "bun";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { withTimeout } from "../timeout.ts";
import {
  CMP_QUERY,
  CMPMEM_QUERY,
  RESPONSE_TIME_TABLES,
  writeInnodbCmp,
  writeInnodbCmpMem,
  writeResponseTime,
} from "./info_schema.ts";
import {
  type VariableRow,
  writeGlobalStatus,
  writeGlobalVariables,
  writeSlaveStatus,
} from "./write.ts";

/** How to reach and log in to one MySQL or MariaDB server. */
export interface MysqlTarget {
  /** host:port, [v6]:port, or the path of the Unix socket. */
  address: string;
  user: string;
  /** Read when connecting, so a rotated secret is picked up; never logged. */
  password?: () => Promise<string | undefined>;
}

/** Errors of a refused login (1045 access denied, 1044 database, 1698 unix_socket, 1227 privilege). */
const REFUSED = new Set([1044, 1045, 1227, 1698]);
/** What a monitoring user needs: SLAVE MONITOR is MariaDB 10.5+'s split of REPLICATION CLIENT. */
const GRANT = "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.*";

type Query = <T>(text: string) => Promise<T[]>;

/** MySQL / MariaDB, collected as mysqld_exporter 0.14's default collectors do, over one connection. */
export class MysqlCollector implements IntegrationCollector {
  readonly kind = "mysql" as const;
  readonly up = { name: "mysql_up", help: "Whether the MySQL server is up." };
  private sql: SQL | null = null;

  constructor(private readonly target: MysqlTarget) {}

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const sql = this.sql ?? this.open(timeoutMs);
    const query: Query = <T>(text: string) =>
      withTimeout(
        sql.unsafe(text) as Promise<T[]>,
        Math.max(1, deadline - Date.now()),
        `query MySQL at ${this.target.address}`,
        timeoutMs,
      );
    // The status query doubles as the connection check: it fails, the collection fails.
    const status = await query<VariableRow>("SHOW GLOBAL STATUS");
    w.family(this.up.name, "gauge", this.up.help);
    w.sample(this.up.name, [], 1);
    writeGlobalStatus(w, status);
    const problems: string[] = [];
    // As in the exporter, a collector that fails (a missing privilege) leaves out its
    // families only; the rest of the collection stands.
    const part = async (what: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (err) {
        if (!isQueryError(err)) throw err;
        problems.push(`${what}: ${(err as Error).message}${hint(what, err)}`);
      }
    };
    await part("global_variables", async () =>
      writeGlobalVariables(w, await query<VariableRow>("SHOW GLOBAL VARIABLES")),
    );
    await part("slave_status", async () => writeSlaveStatus(w, await slaveStatus(query)));
    await part("info_schema.innodb_cmp", async () => writeInnodbCmp(w, await query(CMP_QUERY)));
    await part("info_schema.innodb_cmpmem", async () =>
      writeInnodbCmpMem(w, await query(CMPMEM_QUERY)),
    );
    await part("info_schema.query_response_time", () => responseTime(w, query));
    return problems;
  }

  refusal(err: unknown): string | null {
    const errno = (err as { errno?: unknown })?.errno;
    if (typeof errno !== "number" || !REFUSED.has(errno)) return null;
    const user = this.target.user;
    return `MySQL at ${this.target.address} refused user "${user}" (${(err as Error).message}): CREATE USER '${user}'@'localhost' IDENTIFIED BY '…'; ${GRANT} TO '${user}'@'localhost' (and SLAVE MONITOR on MariaDB 10.5+), then set integrations.defaults.mysql user and password_file (or list it under integrations.mysql)`;
  }

  /** `@@log_error` and the data directory it is relative to, on the collector's connection. */
  async logError(timeoutMs: number): Promise<{ logError: string; datadir: string }> {
    const sql = this.sql ?? this.open(timeoutMs);
    const [row] = (await withTimeout(
      sql.unsafe("SELECT @@log_error AS log_error, @@datadir AS datadir"),
      timeoutMs,
      `read log_error of MySQL at ${this.target.address}`,
    )) as { log_error: string | null; datadir: string | null }[];
    return { logError: row?.log_error ?? "", datadir: row?.datadir ?? "" };
  }

  async close(): Promise<void> {
    const sql = this.sql;
    this.sql = null;
    await sql?.close({ timeout: 0 }).catch(() => {});
  }

  private open(timeoutMs: number): SQL {
    const t = this.target;
    const common = {
      adapter: "mysql" as const,
      username: t.user,
      // Read at connect time, so a rotated password file is picked up.
      password: t.password ? async () => (await t.password?.()) ?? "" : undefined,
      max: 1,
      idleTimeout: 0,
      connectionTimeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    };
    const sql = t.address.startsWith("/")
      ? new SQL({ ...common, path: t.address })
      : new SQL({ ...common, ...hostPort(t.address) });
    this.sql = sql;
    return sql;
  }
}

/** MariaDB's every channel first, else MySQL's single form, as the exporter tries them. */
async function slaveStatus(query: Query): Promise<Record<string, unknown>[]> {
  try {
    return await query("SHOW ALL SLAVES STATUS");
  } catch (err) {
    if (!isQueryError(err) || (err as { errno?: number }).errno === 1227) throw err;
    return await query("SHOW SLAVE STATUS");
  }
}

/** The response-time histograms, only where the plugin's `query_response_time_stats` is on. */
async function responseTime(w: MetricWriter, query: Query): Promise<void> {
  let on: unknown;
  try {
    [on] = Object.values(
      (await query<Record<string, unknown>>("SELECT @@query_response_time_stats"))[0] ?? {},
    );
  } catch (err) {
    if (isQueryError(err)) return; // no plugin: the exporter skips it quietly too
    throw err;
  }
  if (!Number(on)) return;
  for (const [i, table] of RESPONSE_TIME_TABLES.entries()) {
    try {
      writeResponseTime(
        w,
        table,
        await query(`SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.${table[0]}`),
      );
    } catch (err) {
      // The read and write tables exist only on Percona Server 5.6/5.7.
      if (i === 0 || !isQueryError(err)) throw err;
    }
  }
}

/** A query's own failure (a server error number), as opposed to a lost connection or a timeout. */
function isQueryError(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown };
  return e?.code === "ERR_MYSQL_SERVER_ERROR" && typeof e.errno === "number" && e.errno < 2000;
}

/** What to grant when a part was refused for a privilege. */
function hint(what: string, err: unknown): string {
  if ((err as { errno?: unknown }).errno !== 1227) return "";
  return what === "slave_status"
    ? " (GRANT REPLICATION CLIENT, or SLAVE MONITOR on MariaDB 10.5+)"
    : ` (${GRANT})`;
}

function hostPort(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(":");
  return {
    hostname: address.slice(0, colon).replace(/^\[(.*)\]$/, "$1"),
    port: Number(address.slice(colon + 1)),
  };
}
