/**
 * The upstream dashboards and alert rules users bring for PostgreSQL and Redis
 * (../shared/ecosystem: postgres_exporter's and redis_exporter's mixins, awesome-prometheus-
 * alerts' rules) query series the collectors produce: every metric name they mention is
 * written by collecting a fresh instance, or listed in docs/integrations.md's table
 * of upstream names with when Outpost writes it and why not otherwise.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { PostgresCollector } from "../../agent/sources/integrations/postgres/collector.ts";
import { RedisCollector } from "../../agent/sources/integrations/redis/collector.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";

const ECOSYSTEM = join(import.meta.dir, "../fixtures/ecosystem");
const UPSTREAM: Record<"postgres" | "redis", string[]> = {
  postgres: ["mixins/postgres", "rules/postgresql"],
  redis: ["mixins/redis", "rules/redis"],
};

let pg: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
});

/** Metric names an upstream file mentions; a name ending in `_` is a regex prefix (`pg_settings_.*`). */
async function mentioned(kind: "postgres" | "redis"): Promise<Map<string, string>> {
  const prefix = kind === "postgres" ? "pg" : "redis";
  const out = new Map<string, string>();
  for (const dir of UPSTREAM[kind]) {
    for (const file of readdirSync(join(ECOSYSTEM, dir)).filter((f) => /\.(json|ya?ml)$/.test(f))) {
      const text = await Bun.file(join(ECOSYSTEM, dir, file)).text();
      for (const m of text.matchAll(new RegExp(`\\b${prefix}_[a-z_]*[a-z]\\b`, "g")))
        if (!out.has(m[0])) out.set(m[0], `${dir}/${file}`);
    }
  }
  return out;
}

/** Families of two collections: the second shows the command stats the first caused. */
async function produced(collector: IntegrationCollector): Promise<Set<string>> {
  const w = new RecordingWriter();
  try {
    await collector.collect(w, 10_000);
    await collector.collect(w, 10_000);
  } finally {
    await collector.close();
  }
  return new Set(w.families.keys());
}

/** Names in docs/integrations.md's table of upstream names an idle instance does not show. */
async function documented(): Promise<Set<string>> {
  const doc = await Bun.file(join(import.meta.dir, "../../docs/integrations.md")).text();
  const section = doc.slice(doc.indexOf("### Upstream dashboards and rules"));
  return new Set(
    [...section.matchAll(/^\| `((?:pg|redis)_[a-z_]+)` \| (?:when|no) /gm)].map((m) => m[1]),
  );
}

test.each(["postgres", "redis"] as const)(
  "every %s series the upstream dashboards and rules query is produced or documented",
  async (kind) => {
    const collector =
      kind === "postgres"
        ? new PostgresCollector({
            host: "127.0.0.1",
            port: pg.port,
            user: "postgres",
            database: "postgres",
          })
        : new RedisCollector({ address: redis.address });
    const ours = await produced(collector);
    const names = await mentioned(kind);
    expect(names.size).toBeGreaterThan(10);
    const docs = await documented();
    const unexplained = [...names.keys()].filter((n) => !ours.has(n) && !docs.has(n));
    expect(unexplained).toEqual([]);
    // And the table lists nothing a collection does produce: it would hide a regression.
    expect([...docs].filter((n) => ours.has(n) && names.has(n))).toEqual([]);
  },
  30_000,
);
