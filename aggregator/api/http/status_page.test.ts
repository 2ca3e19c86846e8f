import { expect, test } from "bun:test";
import { statusPageSchema } from "../../uptime/status_config.ts";
import type { UptimeQueries } from "../../uptime/targets.ts";
import { statusPageApi } from "./status_page.ts";

/** Queries that answer nothing and count how often they ran. */
function counting(): { queries: () => UptimeQueries; runs: () => number } {
  let runs = 0;
  const empty = async () => {
    runs++;
    return { type: "vector" as const, samples: [] };
  };
  return { queries: () => ({ instant: empty, range: empty }) as UptimeQueries, runs: () => runs };
}

test("statusPageApi() answers 404 while the status page is off", async () => {
  const q = counting();
  const app = statusPageApi({ config: statusPageSchema.parse({}), queries: q.queries });
  const res = await app.request("/status.json");
  expect(res.status).toBe(404);
  expect(q.runs()).toBe(0);
});

test("statusPageApi() reuses one answer for the cache period whoever asks", async () => {
  const q = counting();
  let now = 1_000_000;
  const config = statusPageSchema.parse({ enabled: true, targets: [{ target: "a" }] });
  const app = statusPageApi({ config, queries: q.queries, now: () => now });
  for (let i = 0; i < 5; i++) expect((await app.request("/status.json")).status).toBe(200);
  const once = q.runs();
  expect(once).toBeGreaterThan(0);
  now += config.cache;
  await app.request("/status.json");
  expect(q.runs()).toBe(2 * once);
});

test.each([
  [{ targets: [{ target: '{job="x"}' }] }, "targets.0.name: is required for a selector"],
  [{ targets: [{ target: '{job="x"', name: "X" }] }, "targets.0.target"],
  [{ decimals: 7 }, "decimals"],
  [{ tenant: "a b" }, "tenant"],
])("statusPageSchema refuses %j naming the field", (input, where) => {
  const r = statusPageSchema.safeParse(input);
  expect(r.success).toBe(false);
  const issues = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
  expect(issues).toContain(where);
});
