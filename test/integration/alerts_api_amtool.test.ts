/**
 * Alertmanager API v2's alert listings beside Debian's Alertmanager 0.25: the same
 * alertmanager.yml, alerts and silence on both sides, then `GET /api/v2/alerts/groups` and
 * `GET /api/v2/receivers` with each filter compared as JSON, and amtool's `alert query` (every
 * output format and state flag, receivers, matchers) and `config routes [test]`
 * (`--alertmanager.url`, which reads `/api/v2/status`) compared as text, with ids and times
 * as placeholders. Then bodies of `POST /api/v2/alerts` that Alertmanager refuses (or takes),
 * posted to both: the same status and body, but for the words of JSON decoders' errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { MemoryKeyValueStore } from "../../aggregator/ingest/kv_memory.ts";
import { silenceRoutes } from "../../aggregator/notify/api/silences.ts";
import { alertmanagerApi } from "../../aggregator/notify/api/v2.ts";
import { loadAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { Notifier } from "../../aggregator/notify/notifier.ts";
import { SilenceStore } from "../../aggregator/notify/silences/store.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { amtool, type RunningAlertmanager, startAlertmanager } from "../harness/alertmanager.ts";

const CONFIG = `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
    - matchers: ['team="db"']
      receiver: db
      group_by: [alertname, cluster]
      continue: true
    - matchers: ['severity="critical"']
      receiver: pager
      group_by: ['...']
      routes:
        - matchers: ['team="web"']
          receiver: web-pager
          continue: true
        - matchers: ['cluster="eu"']
          receiver: web-pager
          group_by: [cluster]
    - matchers: ['team="web"']
      receiver: web
      group_by: []
receivers:
  - name: default
    # amtool parses the config the API prints: a webhook's URL must print as a URL.
    webhook_configs: [{url: "http://127.0.0.1:9/hook?token=abc"}]
  - name: db
  - name: pager
  - name: web-pager
  - name: web
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
`;

const ALERTS = [
  { alertname: "DiskFull", team: "db", cluster: "eu", severity: "warning", instance: "a" },
  {
    alertname: "DiskFull",
    team: "db",
    cluster: "us",
    severity: "warning",
    instance: "b",
    job: "node",
  },
  { alertname: "Down", team: "web", severity: "critical", cluster: "us", job: "api" },
  {
    alertname: "Down",
    team: "web",
    severity: "critical",
    cluster: "eu",
    instance: "2",
    job: "api",
  },
  { alertname: "Slow", team: "web", severity: "warning", cluster: "ap" },
  { alertname: "Other", instance: "x" },
  { alertname: "Muted", team: "db", cluster: "ap" },
].map((labels, i) => ({
  labels,
  annotations: { summary: `alert ${i}` },
  generatorURL: `http://prometheus.test/graph?g${i}`,
}));
const GONE = { labels: { alertname: "Gone" }, endsAt: new Date(Date.now() - 60_000).toISOString() };

const GROUP_QUERIES = [
  "",
  "active=false",
  "silenced=false",
  "inhibited=false",
  "active=false&silenced=false",
  "silenced=false&inhibited=false",
  "filter=team%3D%22web%22",
  "filter=severity%3D~%22crit.%2A%22&filter=cluster%3D%22us%22",
  "receiver=web-pager",
  "receiver=db%7Cweb",
  "receiver=web.%2A&active=false",
  "receiver=nope",
];

const QUERIES: string[][] = [
  [],
  ["-o", "json"],
  ["-o", "extended"],
  ["--silenced"],
  ["--inhibited"],
  ["--active"],
  ["--unprocessed"],
  ["--active", "--inhibited", "-o", "extended"],
  ["-r", "web-pager"],
  ["-r", "db", "--silenced", "-o", "json"],
  ["alertname=Down"],
  ["team=~w.*", "cluster!=us", "-o", "extended"],
  ["Down"],
  ["alertname=~D.*", "--inhibited"],
  ["a-b=x"],
];

const ROUTE_TESTS: string[][] = [
  ["team=db", "severity=critical"],
  ["severity=critical", "team=web", "cluster=eu"],
  ["team=web"],
  ["--tree", "severity=critical", "cluster=eu"],
  ["nothing=here"],
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Ids numbered by first appearance, times and versions as placeholders. */
function normalize(s: string): string {
  const ids = new Map<string, string>();
  return s
    .replace(UUID, (id) => {
      if (!ids.has(id)) ids.set(id, `<id${ids.size}>`);
      return ids.get(id) as string;
    })
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC/g, "<time>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, "<time>")
    .replace(
      /^Warning: amtool version \(0\.25\.0\) and alertmanager version \(.*\) are different\.\n/gm,
      "",
    );
}

/** What one side answers. */
interface Answers {
  api: { query: string; status: number; body: unknown }[];
  amtool: { args: string; code: number; stdout: string; stderr: string }[];
}

/**
 * A refusal's body as compared: Alertmanager answers a bad parameter with a JSON string, which
 * amtool reads as such. The regex engines' own words after "failed to parse receiver param"
 * differ (Go's and RE2-in-JS), so only that much of it is compared.
 */
function refusal(text: string): string {
  let said: unknown;
  try {
    said = JSON.parse(text);
  } catch {
    return `<not JSON: ${text.slice(0, 80)}>`;
  }
  if (typeof said !== "string") return "<not a JSON string>";
  const receiver = "failed to parse receiver param";
  return said.startsWith(receiver) ? receiver : said;
}

async function ask(url: string): Promise<Answers> {
  const api: Answers["api"] = [];
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    const text = await res.text();
    const body = res.ok ? JSON.parse(normalize(text)) : refusal(text);
    api.push({ query: path, status: res.status, body });
  };
  for (const q of GROUP_QUERIES) await get(`/api/v2/alerts/groups?${q}`);
  await get("/api/v2/alerts/groups?active=maybe&inhibited=YES");
  await get("/api/v2/alerts/groups?filter=a-b%3Dx");
  await get("/api/v2/alerts?filter=%7Ba");
  await get("/api/v2/alerts?receiver=(a");
  await get("/api/v2/alerts?active=0&silenced=on");
  await get("/api/v2/receivers");
  await get("/api/v2/alerts?receiver=pager");
  const runs: Answers["amtool"] = [];
  const commands = [
    ...QUERIES.map((q) => ["alert", "query", ...q]),
    ...ROUTE_TESTS.map((t) => ["config", "routes", "test", ...t]),
    ["config", "routes"],
  ];
  for (const args of commands) {
    const r = await amtool(url, args);
    runs.push({
      args: args.join(" "),
      code: r.code,
      stdout: normalize(r.stdout),
      stderr: normalize(r.stderr),
    });
  }
  return { api, amtool: runs };
}

/** Posts the alerts and a silence of `Muted`. */
async function feed(url: string): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${url}${path}: ${r.status} ${await r.text()}`);
    });
  await post("/api/v2/alerts", [...ALERTS, GONE]);
  // amtool sends Go's zero time for the start and end it leaves unset: both taken as unset.
  const added = await amtool(url, ["alert", "add", "alertname=Added", "severity=warning"]);
  if (added.code !== 0) throw new Error(`amtool alert add against ${url}: ${added.stderr}`);
  await post("/api/v2/silences", {
    matchers: [{ name: "alertname", value: "Muted", isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3600_000).toISOString(),
    createdBy: "test",
    comment: "muted",
  });
}

const dir = mkdtempSync(join(tmpdir(), "outpost-alerts-api-"));
let am: RunningAlertmanager;
let notifier: Notifier;
let silences: SilenceStore;
let server: ReturnType<typeof Bun.serve>;
let reference: Answers;
let outpost: Answers;

beforeAll(async () => {
  const file = join(dir, "alertmanager.yml");
  writeFileSync(file, CONFIG);
  am = await startAlertmanager(file);
  silences = new SilenceStore({ kv: new MemoryKeyValueStore() });
  await silences.start();
  notifier = new Notifier({
    config: await loadAlertmanagerConfig(file),
    registry: new Registry(),
    externalURL: "http://outpost.test",
    silenced: (labels, now) => silences.isSilenced(labels, now),
  });
  await notifier.start();
  const app = new Hono();
  app.route("/", alertmanagerApi(notifier));
  app.route("/", silenceRoutes(silences));
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  const ours = `http://127.0.0.1:${server.port}`;
  await Promise.all([feed(am.url), feed(ours)]);
  // Alertmanager's dispatcher takes the alerts in from a subscription, a moment after the POST.
  await Bun.sleep(300);
  [reference, outpost] = await Promise.all([ask(am.url), ask(ours)]);
  if (process.env.SHOW)
    for (const r of outpost.amtool)
      console.log(`$ ${r.args} -> ${r.code}\n${r.stdout.slice(0, 400)}${r.stderr}`);
}, 60_000);

afterAll(async () => {
  server?.stop(true);
  await notifier?.stop();
  silences?.stop();
  await am?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the alert listings beside Alertmanager 0.25", () => {
  test("GET /api/v2/alerts/groups and /api/v2/receivers answer the same JSON for every filter", () => {
    for (let i = 0; i < reference.api.length; i++) expect(outpost.api[i]).toEqual(reference.api[i]);
  });

  test("their JSON writes names in Alertmanager's order (labels sorted, as Go writes a map)", () => {
    const text = (a: Answers) => a.api.map((x) => JSON.stringify(x.body));
    expect(text(outpost)).toEqual(text(reference));
  });

  test("amtool alert query and config routes print the same with every flag", () => {
    for (let i = 0; i < reference.amtool.length; i++)
      expect(outpost.amtool[i]).toEqual(reference.amtool[i]);
  });

  test("the cases exercise what they name: groups, suppression, and filtered answers", () => {
    const groups = reference.api[0].body as { alerts: { status: { state: string } }[] }[];
    const states = groups.flatMap((g) => g.alerts.map((a) => a.status.state));
    expect(groups.length).toBeGreaterThan(6);
    expect(states).toContain("suppressed");
    expect(states).toContain("active");
    const receivers = reference.api.find((a) => a.query === "/api/v2/receivers");
    expect(receivers?.body).toEqual(
      ["default", "db", "pager", "web-pager", "web"].map((name) => ({ name })),
    );
    const silencedOnly = reference.amtool.find((r) => r.args === "alert query --silenced");
    expect(silencedOnly?.stdout).toContain("Muted");
    expect(silencedOnly?.stdout).not.toContain("Other");
  });
});

/** Bodies posted to both sides after the listings above were read. */
const POSTS: string[] = [
  '[{"labels":{"a":"b"},"annotations":{"":"x"}}]',
  '[{"labels":{"a":"b"},"annotations":{"1x":"x"}}]',
  '[{"labels":{"a":"b"},"annotations":{"ü":"x"}}]',
  '[{"labels":{}}]',
  '[{"labels":{"a":""}}]',
  '[{"labels":{"1a":"b"}}]',
  '[{"labels":{"1a":"b"},"endsAt":"2020-01-01T00:00:00Z","startsAt":"2021-01-01T00:00:00Z"}]',
  '[{"labels":{},"annotations":{"-":"x"}}]',
  '[{"labels":{"p":"1"}},{"labels":{}},{"labels":{"b":"c"},"annotations":{"-":"x"}}]',
  '[{"labels":{"p":"2"},"generatorURL":"foo"},{"nolabels":1}]',
  '[{"nolabels":1},{"labels":{"p":"3"},"generatorURL":"bar"}]',
  '[{"labels":{"1a":"b"}},{"labels":{"p":"4"},"generatorURL":"bar"}]',
  '[{"generatorURL":"foo"}]',
  '[{"labels":null}]',
  '[{"labels":{"p":"5","q":""},"annotations":null,"generatorURL":null}]',
  "null",
  "[]",
  "{}",
  "[1]",
  '[{"labels":{"a":1}}]',
  '[{"labels":{"p":"6"},"annotations":{"a":1}}]',
  '[{"labels":{"p":"7"},"generatorURL":5}]',
  '[{"labels":{"p":"8"},"startsAt":"yesterday"}]',
  "nope",
  ...[
    "/foo",
    "a:b",
    "http://x/?q=%zz",
    "http://u:p@x/",
    "http://x/a b",
    "//x/y",
    "http://[fe80::1%25en0]/",
    "http://x/#frag",
    "http://ü.example/",
    "foo",
    "http://x:port/",
    "http://[::1",
    "http://x/#%zz",
    "http://x y/",
    "1http://x",
    "http://%41/",
    "/a%2",
    "http://x#a",
    "http://ü@x/",
    "http://x\u0001/",
    ":foo",
  ].map((url, i) => `[{"labels":{"u":"${i}"},"generatorURL":"${url}"}]`),
];

/**
 * What a post answered, as compared: the status, and the body but for the words of a
 * decoder's complaint (go-swagger's `{code: 400}`), which are Go's on one side.
 */
async function posted(url: string, body: string): Promise<unknown> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
  });
  const text = await res.text();
  if (text.trim() === "") return { status: res.status };
  const said = JSON.parse(text) as { code?: number; message?: string } | string;
  if (typeof said === "object" && said.code === 400) return { status: res.status, code: 400 };
  return { status: res.status, said };
}

describe("POST /api/v2/alerts beside Alertmanager 0.25", () => {
  test.each(POSTS)("%s gets the same answer", async (body) => {
    const [theirs, ours] = await Promise.all([
      posted(am.url, body),
      posted(`http://127.0.0.1:${server.port}`, body),
    ]);
    expect(ours).toEqual(theirs);
  });
});
