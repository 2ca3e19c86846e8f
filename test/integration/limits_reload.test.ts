/**
 * `limits` reloaded with the rule files: an aggregator started with a samples-per-query limit
 * refuses a query over it; after the file is edited, `POST /-/reload` (for every tenant) puts
 * the new limit in force, a reload for one tenant leaves limits alone, and a file that does
 * not load is refused with 500 while the limits in force stay.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aggregator } from "../../aggregator/aggregator.ts";
import { loadAggregatorConfig } from "../../aggregator/config/load.ts";
import { testAggregatorYaml } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";

setDefaultTimeout(60_000);

let nats: NatsServerHandle;
let dir: string;
let file: string;
let base: string;
let agg: Aggregator;

/** 600 samples in memory at once: over a limit of 10, within one of 100000. */
const QUERY = "sum_over_time(vector(1)[10m:1s])";

const write = (limit: string) =>
  writeFileSync(file, `${base}limits: {defaults: {max_samples_per_query: ${limit}}}\n`);

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-limits-reload-"));
  file = join(dir, "agg.yaml");
  base = testAggregatorYaml({
    id: "agg",
    natsUrl: nats.url,
    dataDir: join(dir, "agg"),
    storage: { type: "dir", path: join(dir, "bucket") },
    httpPort: await freePort(),
  });
  write("10");
  agg = new Aggregator(await loadAggregatorConfig(file));
  await agg.start();
});

afterAll(async () => {
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const query = async () => {
  const r = await fetch(`${agg.url}/api/v1/query?query=${encodeURIComponent(QUERY)}`);
  return { status: r.status, text: await r.text() };
};
const reload = async (tenant?: string) => {
  const headers: Record<string, string> = tenant ? { "X-Scope-OrgID": tenant } : {};
  const r = await fetch(`${agg.url}/-/reload`, { method: "POST", headers });
  return { status: r.status, text: await r.text() };
};

describe("POST /-/reload", () => {
  test("for one tenant leaves the limits in force", async () => {
    write("100000");
    expect((await reload("default")).status).toBe(200);
    const r = await query();
    expect(r.status).toBe(422);
    expect(r.text).toContain("query processing would load too many samples into memory");
  });

  test("for every tenant puts the edited limits in force", async () => {
    expect(await reload()).toEqual({ status: 200, text: "" });
    expect((await query()).status).toBe(200);
  });

  test("refuses a file that does not load with 500 naming the field, keeping the limits", async () => {
    write("-5");
    const r = await reload();
    expect(r.status).toBe(500);
    expect(r.text).toContain("failed to reload limits: ");
    expect(r.text).toContain("limits.defaults.max_samples_per_query: must be at least 0");
    expect((await query()).status).toBe(200);
  });
});
