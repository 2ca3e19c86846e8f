/**
 * Where a local PostgreSQL's, Redis's or MySQL's log is: asked of the server over its
 * collector's connection, else Debian's default file when the server cannot be asked (a
 * refused login) and that file exists. A remote server's log is on its own host: none.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { MysqlCollector } from "./mysql/collector.ts";
import { mysqlLogFile, mysqlLogSources } from "./mysql/logs.ts";
import { PostgresCollector } from "./postgres/collector.ts";
import { postgresLogFiles, postgresLogSources } from "./postgres/logs.ts";
import { RedisCollector } from "./redis/collector.ts";
import { redisLogFile, redisLogSources } from "./redis/logs.ts";
import type { RunnerTarget } from "./runner.ts";
import type { ServiceLogSource } from "./service_logs.ts";

/** A loopback host or a socket path: the server runs on this host. */
export const LOCAL = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?|\/.*)$/;

/** Debian's log folders, where a server that cannot be asked logs; tests point them elsewhere. */
export interface DebianLogDirs {
  postgres: string;
  redis: string;
  mysql: string;
}

/** The folders Debian's packages log to. */
export const DEBIAN_LOG_DIRS: DebianLogDirs = {
  postgres: "/var/log/postgresql",
  redis: "/var/log/redis",
  mysql: "/var/log/mysql",
};

/**
 * `t` with its log sources when it is a local PostgreSQL, Redis or MySQL; else `t` as is.
 * A detected service is local whatever address it listens on (`10.0.0.5:6379`).
 */
export function withServerLogs(
  t: RunnerTarget,
  timeoutMs: number,
  dirs: DebianLogDirs = DEBIAN_LOG_DIRS,
): RunnerTarget {
  const { collector: c, key, address: instance } = t;
  const host = instance.startsWith("/") ? instance : instance.slice(0, instance.lastIndexOf(":"));
  if (t.how === "config" && !LOCAL.test(host)) return t;
  const at = { key, instance };
  let logs: (() => Promise<ServiceLogSource[]>) | undefined;
  if (c instanceof PostgresCollector)
    logs = () =>
      orDebian(
        `PostgreSQL at ${instance}`,
        () => c.logSettings(timeoutMs),
        (s) => postgresLogSources(at, [postgresLogFiles(s, dirs.postgres)], s.log_line_prefix),
        // pg_ctlcluster's prefix since PostgreSQL 10 packages.
        () => postgresLogSources(at, [onlyCluster(dirs.postgres)], "%m [%p] %q%u@%d "),
      );
  else if (c instanceof RedisCollector)
    logs = () =>
      orDebian(
        `Redis at ${instance}`,
        () => c.logfile(timeoutMs),
        (file) => redisLogSources(at, redisLogFile(file)),
        () => redisLogSources(at, existing(join(dirs.redis, "redis-server.log"))),
      );
  else if (c instanceof MysqlCollector)
    logs = () =>
      orDebian(
        `MySQL at ${instance}`,
        () => c.logError(timeoutMs),
        (e) => mysqlLogSources(at, mysqlLogFile(e.logError, e.datadir)),
        () => mysqlLogSources(at, existing(join(dirs.mysql, "error.log"))),
      );
  return logs ? { ...t, logs } : t;
}

/**
 * The sources the server's answer names; Debian's file only when the server cannot be asked
 * (an answer of "no file", such as Redis logging to stdout, is not replaced by a guess).
 */
async function orDebian<A>(
  what: string,
  ask: () => Promise<A>,
  fromAnswer: (answer: A) => ServiceLogSource[],
  debian: () => ServiceLogSource[],
): Promise<ServiceLogSource[]> {
  let answer: A;
  try {
    answer = await ask();
  } catch (err) {
    try {
      return debian();
    } catch (fallback) {
      const why = (err as Error).message;
      throw new Error(
        `Cannot find the log of ${what}: asking it failed (${why}), and ${(fallback as Error).message}`,
      );
    }
  }
  return fromAnswer(answer);
}

function existing(path: string): string {
  if (!existsSync(path)) throw new Error(`Debian's ${path} does not exist`);
  return path;
}

/** The one cluster log in Debian's folder: with several, which is this server's is unknown. */
function onlyCluster(dir: string): string {
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => /^postgresql-\d+-[\w.-]+\.log$/.test(f))
    : [];
  if (files.length !== 1) throw new Error(`${dir} holds ${files.length} clusters' logs, not one`);
  return join(dir, files[0]);
}
