// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of the Prometheus API, read loosely
/**
 * The `interval` of a rule group an editor uploads through the ruler API, which the tenant's
 * rules then run on: `0s` is the global interval (as in Prometheus), not a divisor of zero
 * that broke every later reload of the tenant's rules; a longer one than a timer keeps is
 * waited for, not evaluated in a tight loop at ever later times (an hour partition of Parquet
 * files each, for every tenant's bucket); a shorter one than `ruler.min_interval` is refused.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

setDefaultTimeout(60_000);

const PASSWORD = "correct horse battery";
const NS = "intervals";

let nats: NatsServerHandle;
let dir: string;
let agg: Aggregator;
const tok = { ed: "", admin: "", scrape: "" };

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-ruler-intervals-"));
  agg = await startInProcessAggregator(
    dir,
    nats.url,
    "auth: {enabled: true}\nglobal: {evaluation_interval: 1s}\nruler: {min_interval: 500ms}\n",
  );
  const store = agg.auth!;
  await store.addUser("ed", "editor", PASSWORD, ["team-x"]);
  await store.addUser("adm", "admin", PASSWORD, ["team-x"]);
  await store.addUser("scraper", "viewer", PASSWORD, ["*"]);
  tok.ed = (await store.createToken({ name: "ed", owner: "ed" })).secret;
  tok.admin = (await store.createToken({ name: "adm", owner: "adm" })).secret;
  tok.scrape = (await store.createToken({ name: "scrape", owner: "scraper" })).secret;
});

afterAll(async () => {
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until(ready: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error("Cannot wait any longer: the condition never held");
    await Bun.sleep(100);
  }
}

async function call(method: string, path: string, token: string, body?: string) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/yaml";
  const r = await fetch(agg.url + path, { method, headers, body });
  return { status: r.status, text: await r.text() };
}

const group = (name: string, interval: string, record: string) =>
  `name: ${name}\ninterval: ${interval}\nrules:\n  - record: ${record}\n    expr: vector(1)\n`;

const upload = (name: string, interval: string, record: string) =>
  call("POST", `/prometheus/config/v1/rules/${NS}`, tok.ed, group(name, interval, record));

/** The uploaded groups `/api/v1/rules` lists: name and interval (s) of each. */
async function listed(): Promise<[string, number][]> {
  const r = await call("GET", "/api/v1/rules", tok.ed);
  return JSON.parse(r.text).data.groups.map((g: any) => [g.name, g.interval]);
}

async function recorded(name: string): Promise<boolean> {
  const r = await call("GET", `/api/v1/query?query=${name}`, tok.ed);
  return JSON.parse(r.text).data.result.length === 1;
}

/** How many times the group has been evaluated, by the aggregator's self-metrics. */
async function iterations(name: string): Promise<number> {
  const text = (await call("GET", "/metrics", tok.scrape)).text;
  const line = text
    .split("\n")
    .find((l) =>
      l.startsWith(
        `outpost_rule_group_iterations_total{rule_group="${NS};${name}",tenant="team-x"}`,
      ),
    );
  return line === undefined ? 0 : Number(line.split(" ")[1]);
}

test("a group of interval 0s runs at global.evaluation_interval and the tenant's rules still reload", async () => {
  expect((await upload("zero", "0s", "zero:one")).status).toBe(202);
  await until(async () => (await listed()).some(([n]) => n === "zero"));
  expect(await listed()).toEqual([["zero", 1]]);
  await until(() => recorded("zero:one"));
  // Another upload reloads the tenant's rules, and so does an admin's reload.
  expect((await upload("next", "1s", "next:one")).status).toBe(202);
  await until(() => recorded("next:one"));
  expect((await call("POST", "/-/reload", tok.admin)).status).toBe(200);
});

test("a group whose interval is longer than a timer keeps is not evaluated until its tick", async () => {
  expect((await upload("century", "100y", "century:one")).status).toBe(202);
  await until(async () => (await listed()).some(([n]) => n === "century"));
  await Bun.sleep(2_000);
  expect(await iterations("century")).toBe(0);
  expect(await recorded("century:one")).toBe(false);
});

test("a group of an interval shorter than ruler.min_interval is refused with 400", async () => {
  const r = await upload("fast", "1ms", "fast:one");
  expect([r.status, JSON.parse(r.text).error]).toEqual([
    400,
    'Cannot store rule group "fast": its interval 1ms is shorter than ruler.min_interval (500ms)',
  ]);
  expect((await listed()).map(([n]) => n)).not.toContain("fast");
});
