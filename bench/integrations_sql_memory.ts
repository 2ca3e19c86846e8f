/**
 * Where an SQL collector's memory goes: each variant runs in its own Bun process beside the
 * others (same window, same servers), collects MariaDB or PostgreSQL N times, and reports its
 * RSS growth after a full GC against its JS heap growth, and its CPU per collection. Variants:
 * the held connection the agent uses, a connection per collection, and the held connection
 * with JavaScriptCore's JIT tiers switched off (`BUN_JSC_*`), which tells compiled code from
 * the driver's own buffers.
 *
 *   bun bench/integrations_sql_memory.ts [--collections 100] [--every-ms 200]
 */
import { parseArgs } from "node:util";
import { MysqlCollector } from "../agent/sources/integrations/mysql/collector.ts";
import { PostgresCollector } from "../agent/sources/integrations/postgres/collector.ts";
import { MONITOR, startMariadb } from "../test/harness/mariadb.ts";
import { startPostgres } from "../test/harness/services.ts";
import { report } from "./lib/pipeline.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    collections: { type: "string", default: "100" },
    "every-ms": { type: "string", default: "200" },
    child: { type: "string" },
    target: { type: "string" },
  },
  strict: false,
});

/** The JIT settings compared, as the child's environment. */
const VARIANTS: Record<string, Record<string, string>> = {
  held: {},
  reconnect: {},
  no_dfg: { BUN_JSC_useDFGJIT: "0" },
  no_baseline_jit: { BUN_JSC_useBaselineJIT: "0" },
  no_jit: { BUN_JSC_useJIT: "0" },
};

if (flags.child) await child(String(flags.child), JSON.parse(String(flags.target)));
else await parent();

async function parent(): Promise<void> {
  const teardown = new Teardown();
  try {
    progress("starting MariaDB and PostgreSQL");
    const [maria, pg] = await Promise.all([startMariadb(), startPostgres()]);
    teardown.defer("mariadb", () => maria.stop());
    teardown.defer("postgres", () => pg.stop());
    const targets = { mysql: maria.address, postgres: pg.port };
    for (const kind of ["mysql", "postgres"] as const) {
      const runs = Object.entries(VARIANTS).map(async ([variant, env]) => {
        const p = Bun.spawn(
          [
            process.execPath,
            import.meta.path,
            "--child",
            variant,
            "--target",
            JSON.stringify({ kind, at: targets[kind] }),
          ],
          { env: { ...process.env, ...env, BUN_GC_TIMER_DISABLE: "1" }, stdout: "pipe" },
        );
        const out = JSON.parse(await new Response(p.stdout).text());
        if ((await p.exited) !== 0) throw new Error(`Cannot run variant ${variant}: it failed`);
        return [variant, out] as const;
      });
      for (const [variant, out] of await Promise.all(runs)) {
        report(`${kind}_${variant}_rss_growth`, out.rss, "MB");
        report(`${kind}_${variant}_heap_growth`, out.heap, "MB");
        report(`${kind}_${variant}_cpu_per_collection`, out.cpuMs, "ms");
      }
    }
  } finally {
    await teardown.run();
  }
}

/** One variant: collects, then prints its growth as JSON on stdout. */
async function child(variant: string, t: { kind: string; at: string | number }): Promise<void> {
  const c =
    t.kind === "mysql"
      ? new MysqlCollector({
          address: String(t.at),
          user: MONITOR.user,
          password: async () => MONITOR.password,
        })
      : new PostgresCollector({
          host: "127.0.0.1",
          port: Number(t.at),
          user: "postgres",
          database: "postgres",
        });
  const w = { family() {}, sample() {} };
  // From before the first connection: the driver's buffers count, the modules do not.
  const m0 = settled();
  const cpu0 = process.cpuUsage();
  const n = Number(flags.collections);
  for (let i = 0; i < n; i++) {
    await c.collect(w, 10_000);
    if (variant === "reconnect") await c.close();
    await Bun.sleep(Number(flags["every-ms"]));
  }
  const cpu = process.cpuUsage(cpu0);
  const m1 = settled();
  await c.close();
  const mb = (b: number) => Number((b / (1 << 20)).toFixed(1));
  console.log(
    JSON.stringify({
      rss: mb(m1.rss - m0.rss),
      heap: mb(m1.heapUsed - m0.heapUsed),
      cpuMs: Number(((cpu.user + cpu.system) / 1000 / n).toFixed(2)),
    }),
  );
}

/** Memory after a full collection, so only what stays is counted. */
function settled(): NodeJS.MemoryUsage {
  Bun.gc(true);
  return process.memoryUsage();
}
