/**
 * The packs query what the agent writes: every metric name in each pack's rules and dashboard
 * is produced by collecting a fresh instance of its service (PostgreSQL, Redis, MariaDB,
 * nginx, started by the harness) with the agent's collector, or, for nginx's status codes and
 * request times, is one of the access-log metrics the agent's nginx log pipeline defines.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { MysqlCollector } from "../../agent/sources/integrations/mysql/collector.ts";
import { NginxCollector } from "../../agent/sources/integrations/nginx/collector.ts";
import { PostgresCollector } from "../../agent/sources/integrations/postgres/collector.ts";
import { RedisCollector } from "../../agent/sources/integrations/redis/collector.ts";
import { packDir } from "../../aggregator/packs/catalog.ts";
import { PACK_NAMES, type PackName } from "../../aggregator/packs/config.ts";
import { MONITOR, startMariadb, type TestMariadb } from "../harness/mariadb.ts";
import { startNginx, type TestNginx } from "../harness/nginx.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";

const PREFIX: Record<PackName, string> = {
  postgres: "pg",
  redis: "redis",
  mysql: "mysql",
  nginx: "nginx",
};
const ACCESS_LOG = "outpost_nginx_access_";

let pg: TestPostgres;
let redis: TestRedis;
let db: TestMariadb;
let nginx: TestNginx;
beforeAll(async () => {
  [pg, redis, db, nginx] = await Promise.all([
    startPostgres(),
    startRedis(),
    startMariadb(),
    startNginx(),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop(), db?.stop(), nginx?.stop()]);
});

function collector(name: PackName): IntegrationCollector {
  switch (name) {
    case "postgres":
      return new PostgresCollector({
        host: "127.0.0.1",
        port: pg.port,
        user: "postgres",
        database: "postgres",
      });
    case "redis":
      return new RedisCollector({ address: redis.address });
    case "mysql":
      return new MysqlCollector({
        address: db.address,
        user: MONITOR.user,
        password: async () => MONITOR.password,
      });
    case "nginx":
      return new NginxCollector({ statusUrl: nginx.statusUrl });
  }
}

/** Families of two collections: the second shows the command counts the first caused. */
async function produced(c: IntegrationCollector): Promise<Set<string>> {
  const w = new RecordingWriter();
  try {
    await c.collect(w, 10_000);
    await c.collect(w, 10_000);
  } finally {
    await c.close();
  }
  return new Set(w.families.keys());
}

/** The queries of a dashboard: its panels' targets and its variables. */
function dashboardQueries(text: string): string {
  const doc = JSON.parse(text) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query: string }[] };
  };
  return [
    ...doc.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...doc.templating.list.map((v) => v.query),
  ].join("\n");
}

/** Metric names a pack's rules and dashboard queries mention, each with the file that does. */
async function mentioned(name: PackName): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const pattern = new RegExp(
    `\\b(?:${PREFIX[name]}|${ACCESS_LOG.slice(0, -1)})_[a-z_]*[a-z]\\b`,
    "g",
  );
  for (const file of ["rules.yml", "rules.test.yml", "dashboard.json"]) {
    const raw = await Bun.file(join(packDir(name), file)).text();
    // Comments and descriptions name the exporters (`redis_exporter`), not metrics.
    const text = file.endsWith(".json") ? dashboardQueries(raw) : raw.replace(/^\s*#.*$/gm, "");
    for (const m of text.matchAll(pattern)) if (!out.has(m[0])) out.set(m[0], file);
  }
  return out;
}

test.each([...PACK_NAMES])(
  "every metric the %s pack queries is produced by the agent",
  async (name) => {
    const ours = await produced(collector(name));
    const names = await mentioned(name);
    expect(names.size).toBeGreaterThanOrEqual(5);
    const logs = await Bun.file(
      join(import.meta.dir, "../../agent/sources/integrations/nginx/logs.ts"),
    ).text();
    const missing = [...names]
      .filter(([n]) => {
        if (!n.startsWith(ACCESS_LOG)) return !ours.has(n);
        // The access-log metrics: a family the log pipeline defines, or its histogram series.
        const family = n.slice(ACCESS_LOG.length).replace(/_(bucket|sum|count)$/, "");
        return !logs.includes(`  ${family}: {`);
      })
      .map(([n, file]) => `${n} (${file})`);
    expect(missing).toEqual([]);
  },
  30_000,
);
