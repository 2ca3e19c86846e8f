import { SQL } from "bun";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { withTimeout } from "../timeout.ts";
import { LOG_SETTINGS, type PostgresLogSettings } from "./logs.ts";
import { NAMESPACES } from "./namespaces.ts";
import { SETTINGS_QUERY, type SettingRow, settingMetric } from "./settings.ts";
import { writeBgwriter, writeDatabaseSizes, writeNamespace, writeStatic } from "./write.ts";

/** How to reach and log in to one PostgreSQL server. */
export interface PostgresTarget {
  /** A connection URL without password, or a host (a directory for a Unix socket) and port. */
  dsn?: string;
  host?: string;
  port: number;
  user: string;
  database: string;
  /** Read when connecting, so a rotated secret is picked up; never logged. */
  password?: () => Promise<string | undefined>;
}

/** SQLSTATEs of a refused login or missing privilege (28xxx, 42501). */
const REFUSED = /^(28|42501)/;

/** PostgreSQL, collected as postgres_exporter 0.11's default collectors do, over one connection. */
export class PostgresCollector implements IntegrationCollector {
  readonly kind = "postgres" as const;
  readonly up = {
    name: "pg_up",
    help: "Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 for no).",
  };
  /** The exporter's `server` label: host:port of the DSN. */
  readonly server: string;
  private sql: SQL | null = null;
  private opening: Promise<SQL> | null = null;

  constructor(private readonly target: PostgresTarget) {
    this.server = serverLabel(target);
  }

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const sql = this.sql ?? (await this.open(timeoutMs));
    const query = <T>(text: string): Promise<T[]> =>
      withTimeout(
        sql.unsafe(text) as Promise<T[]>,
        Math.max(1, deadline - Date.now()),
        `query PostgreSQL at ${this.server}`,
        timeoutMs,
      );
    // The version query doubles as the connection check: it fails, the collection fails.
    const [{ version }] = await query<{ version: string }>("SELECT version()");
    const server = ["server", this.server];
    w.family(this.up.name, "gauge", this.up.help);
    w.sample(this.up.name, [], 1);
    writeStatic(w, server, version);
    const problems: string[] = [];
    // As in the exporter, a namespace that fails (a missing privilege) leaves out its
    // families only; the rest of the collection stands.
    const part = async (what: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (err) {
        if (!isQueryError(err)) throw err;
        problems.push(`${what}: ${(err as Error).message}`);
      }
    };
    await part("pg_settings", async () => {
      for (const row of await query<SettingRow>(SETTINGS_QUERY)) {
        const m = settingMetric(row);
        if (m === null) continue;
        w.family(m.name, "gauge", m.help);
        w.sample(m.name, server, m.value);
      }
    });
    for (const ns of NAMESPACES)
      await part(ns.name, async () => writeNamespace(w, server, ns, await query(ns.query)));
    await part("pg_stat_bgwriter", async () =>
      writeBgwriter(
        w,
        server,
        (await query<Record<string, unknown>>("SELECT * FROM pg_stat_bgwriter"))[0],
      ),
    );
    await part("pg_database_size", async () =>
      writeDatabaseSizes(
        w,
        server,
        await query("SELECT datname, pg_database_size(datname) AS size FROM pg_database"),
      ),
    );
    return problems;
  }

  refusal(err: unknown): string | null {
    const code = String((err as { errno?: unknown })?.errno ?? "");
    if (!REFUSED.test(code)) return null;
    const what = (err as Error).message;
    return `PostgreSQL at ${this.server} refused role "${this.target.user}" (${what}): create it with LOGIN, GRANT pg_monitor TO ${this.target.user}, allow it in pg_hba.conf, and set integrations.defaults.postgres user and password_file (or list it under integrations.postgres)`;
  }

  /** The settings that locate the server log (logs.ts), read on the collector's connection. */
  async logSettings(timeoutMs: number): Promise<PostgresLogSettings> {
    const sql = this.sql ?? (await this.open(timeoutMs));
    const names = LOG_SETTINGS.map((n) => `'${n}'`).join(", ");
    const rows = (await withTimeout(
      sql.unsafe(`SELECT name, setting FROM pg_settings WHERE name IN (${names})`),
      timeoutMs,
      `read the log settings of PostgreSQL at ${this.server}`,
    )) as { name: string; setting: string }[];
    const out = Object.fromEntries(LOG_SETTINGS.map((n) => [n, ""])) as PostgresLogSettings;
    for (const r of rows) out[r.name as keyof PostgresLogSettings] = r.setting;
    return out;
  }

  async close(): Promise<void> {
    const sql = this.sql;
    this.sql = null;
    await sql?.close({ timeout: 0 }).catch(() => {});
  }

  /** One connection even when the first collection and logSettings() both open it. */
  private open(timeoutMs: number): Promise<SQL> {
    this.opening ??= this.connect(timeoutMs).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async connect(timeoutMs: number): Promise<SQL> {
    const t = this.target;
    const password = await t.password?.();
    const common = {
      username: t.user,
      database: t.database,
      password,
      max: 1,
      idleTimeout: 0,
      connectionTimeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
      // The exporter's queries are fixed text: no prepared statements to keep per connection.
      prepare: false,
    };
    const sql = t.dsn
      ? new SQL({ ...common, url: t.dsn })
      : t.host?.startsWith("/")
        ? new SQL({ ...common, path: `${t.host}/.s.PGSQL.${t.port}` })
        : new SQL({ ...common, hostname: t.host, port: t.port });
    this.sql = sql;
    return sql;
  }
}

/** A query's own failure (SQLSTATE present), as opposed to a lost connection or a timeout. */
function isQueryError(err: unknown): boolean {
  const errno = (err as { errno?: unknown })?.errno;
  return typeof errno === "string" && /^[0-9A-Z]{5}$/.test(errno) && !/^(08|57P)/.test(errno);
}

/** The exporter's `server` label: the DSN's host and port (a socket directory counts as host). */
export function serverLabel(t: Pick<PostgresTarget, "dsn" | "host" | "port">): string {
  if (t.dsn) {
    const u = new URL(t.dsn);
    const host = u.hostname || decodeURIComponent(u.searchParams.get("host") ?? "localhost");
    return `${host}:${u.port || "5432"}`;
  }
  return `${t.host}:${t.port}`;
}
