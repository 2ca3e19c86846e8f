// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of the Prometheus API, read loosely
/**
 * The ruler API (Mimir's `/prometheus/config/v1/rules`) on two aggregators sharing one
 * nats-server, authentication on: a group uploaded to one is listed by the other, evaluated
 * once (its lease) for its tenant only, shows in both `/api/v1/rules` and fires in
 * `/api/v1/alerts`; bad uploads are refused naming the group, rule and line, the group in
 * force keeps running; viewers and other tenants cannot write or read it; deletes reach both
 * aggregators; every change is in the tenant's audit log.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

setDefaultTimeout(60_000);

const PASSWORD = "correct horse battery";
const NS = "ns-x/alerts";
const RULES = `${encodeURIComponent(NS)}`;
const GROUP = [
  "name: uploaded",
  "interval: 1s",
  "rules:",
  "  - alert: Uploaded",
  "    expr: vector(1) > 0",
  "    labels: {team: x}",
  "    annotations: {summary: 'value {{ $value }}'}",
  "  - record: uploaded:one",
  "    expr: vector(1)",
  "",
].join("\n");

let nats: NatsServerHandle;
let dir: string;
const aggs: Aggregator[] = [];
const tok = { ed: "", viewer: "", other: "", admin: "", both: "", scrape: "" };

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-ruler-"));
  const yaml = [
    "auth: {enabled: true}",
    "global: {evaluation_interval: 1s}",
    "ruler: {max_group_bytes: 2KiB, max_rule_groups_per_tenant: 2}",
    "",
  ].join("\n");
  for (const id of ["one", "two"])
    aggs.push(await startInProcessAggregator(dir, nats.url, yaml, id));
  const store = aggs[0]!.auth!;
  await store.addUser("ed", "editor", PASSWORD, ["team-x"]);
  await store.addUser("viewer", "viewer", PASSWORD, ["team-x"]);
  await store.addUser("other", "editor", PASSWORD, ["team-y"]);
  await store.addUser("adm", "admin", PASSWORD, ["team-x"]);
  await store.addUser("both", "editor", PASSWORD, ["team-x", "team-y"]);
  tok.ed = (await store.createToken({ name: "ed", owner: "ed" })).secret;
  tok.viewer = (await store.createToken({ name: "viewer", owner: "viewer" })).secret;
  tok.other = (await store.createToken({ name: "other", owner: "other" })).secret;
  tok.admin = (await store.createToken({ name: "adm", owner: "adm" })).secret;
  tok.both = (await store.createToken({ name: "both", owner: "both" })).secret;
  // /metrics names every tenant: read with a token of every tenant.
  await store.addUser("scraper", "viewer", PASSWORD, ["*"]);
  tok.scrape = (await store.createToken({ name: "scrape", owner: "scraper" })).secret;
  // The tokens reach the second aggregator through its KV watch.
  await until(async () => (await call(aggs[1]!, "GET", "/api/v1/rules", tok.ed)).status === 200);
});

afterAll(async () => {
  for (const a of aggs) await a.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits (up to `ms`) until `ready` holds. */
async function until(ready: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error("Cannot wait any longer: the condition never held");
    await Bun.sleep(100);
  }
}

async function call(
  agg: Aggregator,
  method: string,
  path: string,
  token: string,
  body?: string,
  tenant?: string,
) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/yaml";
  if (tenant !== undefined) headers["X-Scope-OrgID"] = tenant;
  const r = await fetch(agg.url + path, { method, headers, body });
  return { status: r.status, text: await r.text() };
}

const upload = (agg: Aggregator, token: string, body: string, tenant?: string) =>
  call(agg, "POST", `/prometheus/config/v1/rules/${RULES}`, token, body, tenant);

/** The uploaded groups `/api/v1/rules` lists: `file/name` of each. */
async function listed(agg: Aggregator, token: string): Promise<string[]> {
  const r = await call(agg, "GET", "/api/v1/rules", token);
  return JSON.parse(r.text).data.groups.map((g: any) => `${g.file}/${g.name}`);
}

describe("an editor's upload", () => {
  test("is accepted with 202 and listed back by the other aggregator as Mimir lists it", async () => {
    const r = await upload(aggs[0]!, tok.ed, GROUP);
    expect([r.status, JSON.parse(r.text)]).toEqual([
      202,
      { status: "success", data: null, errorType: "", error: "" },
    ]);
    await until(
      async () =>
        (await call(aggs[1]!, "GET", "/prometheus/config/v1/rules", tok.ed)).status === 200,
    );
    const all = await call(aggs[1]!, "GET", "/prometheus/config/v1/rules", tok.ed);
    expect(Bun.YAML.parse(all.text)).toEqual({ [NS]: [Bun.YAML.parse(GROUP)] });
    const ns = await call(aggs[1]!, "GET", `/prometheus/config/v1/rules/${RULES}`, tok.ed);
    expect(ns.text).toBe(all.text);
    // Where Grafana looks for it, beside the query API at the data source's URL.
    const grafana = await call(aggs[1]!, "GET", "/config/v1/rules", tok.ed);
    expect([grafana.status, grafana.text]).toEqual([200, all.text]);
    const one = await call(
      aggs[1]!,
      "GET",
      `/prometheus/config/v1/rules/${RULES}/uploaded`,
      tok.ed,
    );
    expect(Bun.YAML.parse(one.text)).toEqual(Bun.YAML.parse(GROUP));
  });

  test("is evaluated for its tenant, by one aggregator, and listed by both /api/v1/rules", async () => {
    for (const a of aggs)
      await until(async () => (await listed(a, tok.ed)).includes(`${NS}/uploaded`));
    // The alert is in the evaluating aggregator's /api/v1/alerts (as Prometheus's: its rules').
    const firing = async () => {
      const all: any[] = [];
      for (const a of aggs)
        all.push(...JSON.parse((await call(a, "GET", "/api/v1/alerts", tok.ed)).text).data.alerts);
      return all
        .filter((a) => a.state === "firing")
        .map((a) => [a.labels.alertname, a.labels.team, a.annotations.summary]);
    };
    await until(async () => (await firing()).length > 0);
    expect(await firing()).toEqual([["Uploaded", "x", "value 1"]]);
    // The recording rule's output is stored under the tenant, through JetStream.
    await until(async () => {
      const r = await call(aggs[1]!, "GET", "/api/v1/query?query=uploaded:one", tok.ed);
      return JSON.parse(r.text).data.result.length === 1;
    });
    // Exactly one aggregator holds the group's lease.
    const held = await Promise.all(
      aggs.map(async (a) => {
        const text = (await call(a, "GET", "/metrics", tok.scrape)).text;
        return /^outpost_rule_group_held\{rule_group="ns-x\/alerts;uploaded",tenant="team-x"\} 1$/m.test(
          text,
        );
      }),
    );
    expect(held.filter(Boolean)).toHaveLength(1);
  });
});

test("an aggregator started after the upload loads the tenant's groups at its start", async () => {
  const yaml = "auth: {enabled: true}\nglobal: {evaluation_interval: 1s}\n";
  const late = await startInProcessAggregator(dir, nats.url, yaml, "three");
  try {
    await until(async () => (await call(late, "GET", "/api/v1/rules", tok.ed)).status === 200);
    expect(await listed(late, tok.ed)).toEqual([`${NS}/uploaded`]);
  } finally {
    await late.stop();
  }
});

describe("the ruler API refuses", () => {
  test("a bad group with 400 naming the group, rule and line, and keeps the group in force", async () => {
    const bad = GROUP.replace("vector(1) > 0", "vector(1) >");
    const r = await upload(aggs[1]!, tok.ed, bad);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({
      status: "error",
      data: null,
      errorType: "bad_data",
      error: `Cannot store rule group: ${NS}:5:11: group "uploaded", rule 1, "Uploaded": could not parse expression: 1:12: parse error: unexpected end of input`,
    });
    const one = await call(
      aggs[0]!,
      "GET",
      `/prometheus/config/v1/rules/${RULES}/uploaded`,
      tok.ed,
    );
    expect(one.text).toContain("vector(1) > 0");
  });

  test.each([
    [
      "a body over max_group_bytes with 413",
      `${GROUP}#${"x".repeat(2048)}\n`,
      413,
      "over ruler.max_group_bytes",
    ],
    [
      "a third group past max_rule_groups_per_tenant with 400",
      "",
      400,
      'Cannot store rule group "g3": the tenant would have more than ruler.max_rule_groups_per_tenant (2) groups',
    ],
  ])("%s", async (_what, body, status, message) => {
    if (body === "") {
      expect((await upload(aggs[0]!, tok.ed, GROUP.replace("uploaded", "g2"))).status).toBe(202);
      body = GROUP.replace("uploaded", "g3");
    }
    const r = await upload(aggs[0]!, tok.ed, body);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.text).error).toContain(message);
  });

  test.each([
    ["a viewer's upload", () => upload(aggs[0]!, tok.viewer, GROUP), 403],
    [
      "a viewer's delete",
      () => call(aggs[0]!, "DELETE", `/prometheus/config/v1/rules/${RULES}`, tok.viewer),
      403,
    ],
    ["an upload for a tenant not granted", () => upload(aggs[0]!, tok.ed, GROUP, "team-y"), 403],
    [
      "an upload widening past the grant",
      () => upload(aggs[0]!, tok.ed, GROUP, "team-x|team-y"),
      403,
    ],
    [
      "an upload joining granted tenants",
      () => upload(aggs[0]!, tok.both, GROUP, "team-x|team-y"),
      400,
    ],
    [
      "another tenant's read, as if nothing were there",
      () => call(aggs[0]!, "GET", "/prometheus/config/v1/rules", tok.other),
      404,
    ],
    [
      "another tenant's delete, as if nothing were there",
      () => call(aggs[0]!, "DELETE", `/prometheus/config/v1/rules/${RULES}/uploaded`, tok.other),
      404,
    ],
  ])("%s", async (_what, request, status) => {
    const r = await request();
    expect(r.status).toBe(status);
    expect(r.text).not.toContain("vector(1)");
  });

  test("to list another tenant's uploaded group in /api/v1/rules and /api/v1/alerts", async () => {
    expect(await listed(aggs[0]!, tok.other)).toEqual([]);
    const alerts = await call(aggs[1]!, "GET", "/api/v1/alerts", tok.other);
    expect(alerts.text).not.toContain("Uploaded");
  });
});

describe("a delete", () => {
  test("is 202 and takes the group out of both aggregators' evaluation", async () => {
    const r = await call(aggs[1]!, "DELETE", `/prometheus/config/v1/rules/${RULES}/g2`, tok.ed);
    expect(r.status).toBe(202);
    const ns = await call(aggs[0]!, "DELETE", `/prometheus/config/v1/rules/${RULES}`, tok.ed);
    expect(ns.status).toBe(202);
    for (const a of aggs) await until(async () => (await listed(a, tok.ed)).length === 0);
    const gone = await call(aggs[1]!, "GET", `/prometheus/config/v1/rules/${RULES}`, tok.ed);
    expect([gone.status, gone.text]).toEqual([404, "no rule groups found"]);
  });

  test("and every upload are in the tenant's audit log, with who made them", async () => {
    const audit = async () => {
      const r = await fetch(`${aggs[0]!.url}/outpost.admin.v1.AdminService/ListAudit`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tok.admin}`, "Content-Type": "application/json" },
        body: JSON.stringify({ actionPrefix: "rules." }),
      });
      return ((await r.json()) as any).records ?? [];
    };
    // Seven changes, made on both aggregators: the other's reach this one's log store once flushed.
    await until(async () => (await audit()).length >= 7, 50_000);
    const records = (await audit()).map((r: any) => [r.action, r.target, r.outcome, r.actor?.name]);
    expect(records).toContainEqual(["rules.upload", `${NS}/uploaded`, "AUDIT_OUTCOME_OK", "ed"]);
    expect(records).toContainEqual([
      "rules.upload",
      `${NS}/uploaded`,
      "AUDIT_OUTCOME_FAILED",
      "ed",
    ]);
    expect(records).toContainEqual(["rules.delete", `${NS}/g2`, "AUDIT_OUTCOME_OK", "ed"]);
    expect(records).toContainEqual(["rules.delete", `${NS}/uploaded`, "AUDIT_OUTCOME_OK", "ed"]);
  });
});
