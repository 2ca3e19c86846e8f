import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../shared/metrics/registry.ts";
import type { Frame } from "../ingest/frame.ts";
import { limitsSchema } from "./config.ts";
import { tenantLimiters } from "./limits.ts";
import { reloadLimits } from "./reload.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-limits-reload-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const limits = (tenants: Record<string, object>) => limitsSchema.parse({ tenants });

/** A metrics batch of `n` samples of `tenant`, as the admission check reads it. */
const batch = (tenant: string, n: number) =>
  ({
    tenant,
    signal: "metrics",
    batch: { samples: { length: n, timestamps: new Float64Array(n) } },
  }) as unknown as Frame;

describe("TenantLimiters.update()", () => {
  test("names the tenants looked up whose limits changed", () => {
    const l = tenantLimiters(limits({ a: { max_active_series: 5 }, b: {} }), new Registry());
    for (const t of ["a", "b", "c"]) l.ingest.maxSeries(t);
    const changed = l.update(limits({ a: { max_active_series: 6 }, c: { max_active_series: 1 } }));
    expect(changed.sort()).toEqual(["a", "c"]);
    expect([l.ingest.maxSeries("a"), l.ingest.maxSeries("b"), l.ingest.maxSeries("c")]).toEqual([
      6,
      Number.POSITIVE_INFINITY,
      1,
    ]);
  });

  test("gives a changed tenant a new rate bucket and keeps the others' tokens", () => {
    let now = 0;
    const l = tenantLimiters(
      limits({ a: { ingest_samples_per_second: 10 }, b: { ingest_samples_per_second: 10 } }),
      new Registry(),
    );
    // biome-ignore lint/suspicious/noExplicitAny: the limiter's clock, set for the test
    (l.ingest as any).now = () => now;
    for (const t of ["a", "b"]) expect(l.ingest.admit(batch(t, 100), 1).kind).toBe("accept");
    l.update(
      limits({ a: { ingest_samples_per_second: 20 }, b: { ingest_samples_per_second: 10 } }),
    );
    now = 1;
    expect(l.ingest.admit(batch("a", 150), 1).kind).toBe("accept");
    expect(l.ingest.admit(batch("b", 50), 1).kind).toBe("delay");
  });

  test("gives a changed tenant new query slots at its next query", async () => {
    const l = tenantLimiters(
      limitsSchema.parse({ defaults: { max_query_concurrency: 1, max_queued_queries: 0 } }),
      new Registry(),
    );
    let release!: () => void;
    const held = l.queries.run(
      "a",
      Number.POSITIVE_INFINITY,
      undefined,
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    const refused = await l.queries
      .run("a", Number.POSITIVE_INFINITY, undefined, async () => 1)
      .catch((e) => e.message);
    expect(refused).toBe("too many outstanding requests");
    l.update(limitsSchema.parse({ defaults: { max_query_concurrency: 2, max_queued_queries: 0 } }));
    expect(await l.queries.run("a", Number.POSITIVE_INFINITY, undefined, async () => 2)).toBe(2);
    release();
    await held;
  });
});

describe("reloadLimits()", () => {
  test.each([
    [
      "puts a good file's limits in force",
      "limits: {tenants: {a: {max_active_series: 7}}}\n",
      [],
      7,
    ],
    [
      "keeps the limits in force when the file does not load, naming the problem",
      "limits: {tenants: {a: {max_active_series: -1}}}\n",
      ["limits.tenants.a.max_active_series"],
      3,
    ],
  ])("%s", async (_what, yaml, problems, series) => {
    const file = join(dir, `agg-${series}.yaml`);
    writeFileSync(file, yaml);
    const l = tenantLimiters(limits({ a: { max_active_series: 3 } }), new Registry());
    const got = await reloadLimits(file, l);
    expect(got.length).toBe(problems.length);
    for (const [i, p] of problems.entries()) expect(got[i]).toContain(p);
    expect(l.ingest.maxSeries("a")).toBe(series);
  });
});
