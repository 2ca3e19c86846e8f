import { describe, expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { tenantsLogQueryable } from "../logs/federated.ts";
import { runLogQuery } from "../logs/logql/query.ts";
import { MemoryLogs } from "../logs/memory.ts";
import { Engine } from "../promql/engine/engine.ts";
import { TOO_MANY_SAMPLES } from "../promql/engine/limits.ts";
import { tenantsQueryable } from "../storage/federated.ts";
import { MemoryStorage } from "../storage/memory.ts";
import { limitsSchema } from "./config.ts";
import { tenantLimiters } from "./limits.ts";
import { TenantLimitsTable } from "./tenants.ts";

const CONFIG = limitsSchema.parse({
  defaults: { max_samples_per_query: 1000, max_query_concurrency: 1, max_queued_queries: 1 },
  tenants: {
    small: { max_samples_per_query: 10 },
    logs: { ingest_log_bytes_per_second: "1KiB" },
  },
});

function rejected(registry: Registry, tenant: string, reason: string): number {
  return registry
    .counter("outpost_tenant_rejected_queries_total", "", ["tenant", "reason"])
    .labels({ tenant, reason }).value;
}

/** A MemoryStorage of 20 series, seen as `tenant`'s data. */
function metricsOf(tenant: string) {
  const storage = new MemoryStorage();
  for (let i = 0; i < 20; i++) storage.add({ __name__: "m", i: String(i) }, [[0, i]]);
  return { querier: () => storage.querier(), tenant };
}

describe("TenantLimitsTable", () => {
  test("of() lays a tenant's own fields over the defaults and derives the bursts", () => {
    const table = new TenantLimitsTable(CONFIG);
    expect(table.of("small").maxSamplesPerQuery).toBe(10);
    expect(table.of("small").maxQueryConcurrency).toBe(1);
    expect(table.of("anyone").maxSamplesPerQuery).toBe(1000);
    expect(table.of("logs").logBytesPerSecond).toBe(1024);
    expect(table.of("logs").logBytesBurst).toBe(10 * 1024);
    expect(table.of("anyone").logBytesPerSecond).toBe(Number.POSITIVE_INFINITY);
    expect(table.of("anyone").maxActiveSeries).toBe(Number.POSITIVE_INFINITY);
  });

  test("an empty limits section limits nothing but the query queue, the alerts held and the hours ingest opens", () => {
    const l = new TenantLimitsTable(limitsSchema.parse({})).of("default");
    expect([l.maxAlerts, l.maxHoursPerMinute]).toEqual([100_000, 120]);
    const bounded = ["maxQueuedQueries", "maxAlerts", "maxHoursPerMinute"];
    for (const [name, value] of Object.entries(l)) {
      if (!bounded.includes(name)) expect([name, value]).toEqual([name, Infinity]);
    }
  });
});

describe("QueryLimiter", () => {
  test("a PromQL query over its tenant's samples limit fails with Prometheus's message, counted", async () => {
    const registry = new Registry();
    const engine = new Engine({ tenants: tenantLimiters(CONFIG, registry).queries });
    const error = await engine.instantQuery(metricsOf("small"), "m", 0).catch((e) => e);
    expect([error.code, error.message]).toEqual(["execution", TOO_MANY_SAMPLES]);
    expect(rejected(registry, "small", "max_samples")).toBe(1);
    const big = await engine.instantQuery(metricsOf("big"), "m", 0);
    expect(big.result.type === "vector" && big.result.samples.length).toBe(20);
    expect(rejected(registry, "big", "max_samples")).toBe(0);
  });

  test("a query over several tenants runs under each one's limits, the smallest samples limit", async () => {
    const registry = new Registry();
    const engine = new Engine({ tenants: tenantLimiters(CONFIG, registry).queries });
    const both = tenantsQueryable(["big", "small"], metricsOf);
    const error = await engine.instantQuery(both, "m", 0).catch((e) => e);
    expect([error.code, error.message]).toEqual(["execution", TOO_MANY_SAMPLES]);
    expect(rejected(registry, "small", "max_samples")).toBe(1);
    expect(rejected(registry, "big", "max_samples")).toBe(0); // not big's limit that refused
    const ok = await engine.instantQuery(
      tenantsQueryable(["big", "other"], metricsOf),
      "count(m)",
      0,
    );
    expect(ok.result.type === "vector" && ok.result.samples[0]?.v).toBe(40);
  });

  test("a query over several tenants holds a slot of each at once, none while it waits", async () => {
    const registry = new Registry();
    const limiter = tenantLimiters(CONFIG, registry).queries;
    const far = performance.now() + 60_000;
    const gate = () => {
      let open!: () => void;
      const done = new Promise<void>((r) => {
        open = r;
      });
      return { open, done };
    };
    const b = gate();
    const bRun = limiter.run("b", far, undefined, () => b.done);
    // b's one slot is taken: a|b waits in b's queue, holding none of a's.
    let ran = false;
    const both = limiter.runAll(["b", "a"], far, undefined, async () => {
      ran = true;
    });
    const aRan = await limiter.run("a", performance.now() + 1_000, undefined, async () => "a ran");
    expect([aRan, ran]).toEqual(["a ran", false]);
    b.open();
    await bRun;
    await both;
    expect(ran).toBe(true);
    // While it runs it holds both: a's one slot is taken, so a's next query waits.
    const inside = gate();
    const holding = limiter.runAll(["a", "b"], far, undefined, () => inside.done);
    const late = await limiter
      .run("a", performance.now() + 30, undefined, async () => 0)
      .catch((e) => e);
    expect(late.message).toBe("query timed out in query queue");
    expect(rejected(registry, "a", "queue_timeout")).toBe(1);
    expect(rejected(registry, "b", "queue_timeout")).toBe(0);
    inside.open();
    await holding;
  });

  test("rule evaluation is not held to the tenant's limits", async () => {
    const engine = new Engine({ tenants: tenantLimiters(CONFIG, new Registry()).queries });
    const out = await engine.instantQuery(metricsOf("small"), "m", 0, { origin: "rule" });
    expect(out.result.type).toBe("vector");
  });

  test("past its slots and queue a tenant's query is refused with 429's code, others go on", async () => {
    const registry = new Registry();
    const limiter = tenantLimiters(CONFIG, registry).queries;
    const far = performance.now() + 60_000;
    let open!: () => void;
    const held = new Promise<void>((resolve) => {
      open = resolve;
    });
    const running = limiter.run("a", far, undefined, () => held);
    const queued = limiter.run("a", far, undefined, async () => "queued ran");
    const refused = await limiter.run("a", far, undefined, async () => 0).catch((e) => e);
    expect([refused.code, refused.message]).toEqual([
      "too_many_requests",
      "too many outstanding requests",
    ]);
    expect(await limiter.run("b", far, undefined, async () => "b ran")).toBe("b ran");
    open();
    await running;
    expect(await queued).toBe("queued ran");
    expect(rejected(registry, "a", "concurrency")).toBe(1);
    expect(rejected(registry, "b", "concurrency")).toBe(0);
  });

  test("a query that waits in its tenant's queue past the deadline gets Prometheus's timeout", async () => {
    const registry = new Registry();
    const limiter = tenantLimiters(CONFIG, registry).queries;
    const release = limiter.run("a", performance.now() + 60_000, undefined, () => Bun.sleep(200));
    const late = await limiter
      .run("a", performance.now() + 20, undefined, async () => 0)
      .catch((e) => e);
    expect([late.code, late.message]).toEqual(["timeout", "query timed out in query queue"]);
    expect(rejected(registry, "a", "queue_timeout")).toBe(1);
    await release;
  });

  test("a LogQL query reading more lines than its tenant's limit fails, counted", async () => {
    const registry = new Registry();
    const run = tenantLimiters(CONFIG, registry).queries.logRun(runLogQuery);
    const logs = new MemoryLogs();
    const labels = labelsFromRecord({ app: "a" });
    logs.append(
      Array.from({ length: 50 }, (_, i) => ({
        timeNs: BigInt(i + 1),
        labels,
        line: `l${i}`,
        fields: [],
      })),
    );
    const opts = { startNs: 0n, endNs: 100n, stepMs: 0, limit: 100, direction: "forward" as const };
    const source = (tenant: string) => ({ querier: () => logs.querier(), tenant });
    const query = 'count_over_time({app="a"}[1s])';
    const error = await run(source("small"), query, { ...opts, instant: true }).catch((e) => e);
    expect([error.code, error.message]).toEqual(["execution", TOO_MANY_SAMPLES]);
    expect(rejected(registry, "small", "max_samples")).toBe(1);
    const ok = await run(source("big"), query, { ...opts, instant: true });
    expect(ok.result).toMatchObject({ resultType: "vector", result: [{ value: [0, "50"] }] });
    // Several tenants at once: under each one's limits.
    const both = tenantsLogQueryable(["big", "small"], source);
    const federated = await run(both, query, { ...opts, instant: true }).catch((e) => e);
    expect([federated.code, federated.message]).toEqual(["execution", TOO_MANY_SAMPLES]);
    expect(rejected(registry, "small", "max_samples")).toBe(2);
  });
});
