/**
 * Authentication and roles on two in-process aggregators sharing a real nats-server, with
 * `auth.enabled: true`: every API family refuses anonymous calls, roles limit what each user
 * may change, a token revoked on one aggregator is refused by the other within 5 s, Grafana's
 * Basic and Bearer requests, promtool (token in the URL) and amtool (`--http.config.file`), the browser login
 * flow with its CSRF header, the login rate limit, and no secret in the logs.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { setLogLevel } from "../../shared/log/log.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { amtool } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const EXTRA = `
alerting: {config_file: alertmanager.yml}
auth: {enabled: true, login_burst: 3, login_per_minute: 0.1}
`;

let nats: NatsServerHandle;
let dir: string;
let a: Aggregator;
let b: Aggregator;
/** Secrets handed out in this file: none may appear in anything logged. */
const secrets: string[] = [];
let logged = "";
const write = process.stderr.write.bind(process.stderr);
const tokens: Record<"viewer" | "editor" | "admin", string> = { viewer: "", editor: "", admin: "" };
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  setLogLevel("debug");
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    logged += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-auth-"));
  writeFileSync(
    join(dir, "alertmanager.yml"),
    "route: {receiver: none}\nreceivers: [{name: none}]\n",
  );
  a = await startInProcessAggregator(dir, nats.url, EXTRA, "a");
  b = await startInProcessAggregator(dir, nats.url, EXTRA, "b");
  for (const role of ["viewer", "editor", "admin"] as const) {
    await a.auth!.addUser(role, role, PASSWORD);
    tokens[role] = (await a.auth!.createToken({ name: "test", owner: role })).secret;
    secrets.push(tokens[role]);
  }
  secrets.push(PASSWORD);
}, 60_000);

afterAll(async () => {
  process.stderr.write = write;
  setLogLevel("info");
  await a?.stop();
  await b?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const basic = (user: string, pw: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`,
});

/** A Connect JSON call. */
function call(url: string, proc: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/${proc}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const SILENCE = JSON.stringify({
  matchers: [{ name: "alertname", value: "X", isRegex: false, isEqual: true }],
  startsAt: new Date().toISOString(),
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  createdBy: "test",
  comment: "auth test",
});

/** The same request on every API family, anonymous. */
const FAMILIES: [string, string, RequestInit][] = [
  ["Prometheus", "/api/v1/query?query=up", {}],
  [
    "Prometheus POST",
    "/api/v1/query",
    { method: "POST", body: new URLSearchParams({ query: "up" }) },
  ],
  ["federation", "/federate?match[]=up", {}],
  ["Loki", "/loki/api/v1/labels", {}],
  ["Alertmanager", "/api/v2/silences", {}],
  ["rules", "/api/v1/rules", {}],
  ["reload", "/-/reload", { method: "POST" }],
];

test.each(FAMILIES)(
  "an anonymous %s request is answered 401 with WWW-Authenticate",
  async (_f, path, init) => {
    const r = await fetch(a.url + path, init);
    expect(r.status).toBe(401);
    expect(r.headers.get("WWW-Authenticate")).toContain("Basic");
  },
);

test("an anonymous Connect call is answered unauthenticated", async () => {
  const r = await call(a.url, "outpost.query.v1.QueryService/Instant", { query: "1" });
  expect([r.status, ((await r.json()) as { code: string }).code]).toEqual([401, "unauthenticated"]);
});

test("/healthz, /-/healthy and /-/ready stay open; /metrics, which names every tenant, takes a token of every tenant", async () => {
  for (const p of ["/healthz", "/-/healthy", "/-/ready"])
    expect((await fetch(a.url + p)).status).toBe(200);
  expect((await fetch(`${a.url}/metrics`)).status).toBe(401);
  const admin = await fetch(`${a.url}/metrics`, { headers: bearer(tokens.admin) });
  expect(admin.status).toBe(403); // an admin of "default" only
  expect(await admin.text()).toContain("it names every tenant");
  await a.auth!.addUser("scraper", "viewer", PASSWORD, ["*"]);
  const scraper = (await a.auth!.createToken({ name: "scrape", owner: "scraper" })).secret;
  secrets.push(scraper);
  const scraped = await fetch(`${a.url}/metrics`, { headers: bearer(scraper) });
  expect(scraped.status).toBe(200);
  expect(await scraped.text()).toContain("outpost_");
});

test("a viewer reads but cannot create silences, reload or create tokens", async () => {
  const h = bearer(tokens.viewer);
  expect((await fetch(`${a.url}/api/v1/query?query=1`, { headers: h })).status).toBe(200);
  const silence = await fetch(`${a.url}/api/v2/silences`, {
    method: "POST",
    headers: { ...h, "Content-Type": "application/json" },
    body: SILENCE,
  });
  expect(silence.status).toBe(403);
  expect((await fetch(`${a.url}/-/reload`, { method: "POST", headers: h })).status).toBe(403);
  const t = await call(a.url, "outpost.admin.v1.AdminService/CreateToken", { name: "x" }, h);
  expect([t.status, ((await t.json()) as { code: string }).code]).toEqual([
    403,
    "permission_denied",
  ]);
});

test("an editor creates silences but cannot manage tokens or reload", async () => {
  const h = bearer(tokens.editor);
  const silence = await fetch(`${b.url}/api/v2/silences`, {
    method: "POST",
    headers: { ...h, "Content-Type": "application/json" },
    body: SILENCE,
  });
  expect(silence.status).toBe(200);
  expect((await call(b.url, "outpost.admin.v1.AdminService/ListTokens", {}, h)).status).toBe(403);
  expect((await fetch(`${b.url}/-/reload`, { method: "POST", headers: h })).status).toBe(403);
});

test("an admin creates a token; revoked on aggregator A it is refused by B within 5 s", async () => {
  const made = await call(
    a.url,
    "outpost.admin.v1.AdminService/CreateToken",
    { name: "ci", role: "ROLE_VIEWER" },
    bearer(tokens.admin),
  );
  expect(made.status).toBe(200);
  const { secret, token } = (await made.json()) as {
    secret: string;
    token: { id: string; role: string };
  };
  secrets.push(secret);
  expect(token.role).toBe("ROLE_VIEWER");
  const onB = () => fetch(`${b.url}/api/v1/query?query=1`, { headers: bearer(secret) });
  await until(async () => (await onB()).status === 200, 5_000);
  const revoked = await call(
    a.url,
    "outpost.admin.v1.AdminService/RevokeToken",
    { id: token.id },
    bearer(tokens.admin),
  );
  expect(revoked.status).toBe(200);
  const started = performance.now();
  await until(async () => (await onB()).status === 401, 5_000);
  const seenMs = performance.now() - started;
  console.log(`auth_revocation_seen_by_other_aggregator ${seenMs.toFixed(1)} ms`);
  expect(seenMs).toBeLessThan(5_000);
  expect((await fetch(`${a.url}/api/v1/query?query=1`, { headers: bearer(secret) })).status).toBe(
    401,
  );
});

test("an expired token is refused by both aggregators", async () => {
  // Long enough for B to see the token through its watch on a loaded machine first.
  const made = Date.now();
  const { secret } = await a.auth!.createToken({ name: "short", owner: "viewer", ttlMs: 5_000 });
  secrets.push(secret);
  await until(
    async () =>
      (await fetch(`${b.url}/api/v1/query?query=1`, { headers: bearer(secret) })).status === 200,
    5_000,
  );
  await Bun.sleep(made + 5_100 - Date.now());
  for (const agg of [a, b])
    expect(
      (await fetch(`${agg.url}/api/v1/query?query=1`, { headers: bearer(secret) })).status,
    ).toBe(401);
});

test("Grafana's Basic (token as password, any user) and Bearer requests are both answered", async () => {
  const paths = [
    "/api/v1/query?query=1",
    "/api/v1/labels",
    "/loki/api/v1/labels",
    "/api/v1/status/buildinfo",
  ];
  for (const p of paths) {
    expect((await fetch(a.url + p, { headers: basic("grafana", tokens.viewer) })).status).toBe(200);
    expect((await fetch(a.url + p, { headers: bearer(tokens.viewer) })).status).toBe(200);
    expect((await fetch(a.url + p, { headers: basic("viewer", PASSWORD) })).status).toBe(200);
    expect((await fetch(a.url + p, { headers: basic("grafana", "opt_wrong") })).status).toBe(401);
    // A token as the user name with no password, as `curl -u TOKEN:` sends it.
    expect((await fetch(a.url + p, { headers: basic(tokens.viewer, "") })).status).toBe(200);
  }
  // Neither a token as a user name with a password nor one typed into the login form is
  // written to the log or the audit (the log is read by the test "no token … in the logs").
  const asUser = { headers: basic(tokens.viewer, "not-a-password") };
  expect((await fetch(`${a.url}/api/v1/labels`, asUser)).status).toBe(401);
  const login = await call(a.url, "outpost.auth.v1.AuthService/Login", {
    user: tokens.editor,
    password: "x",
  });
  expect(login.status).toBe(401);
});

/**
 * Debian's promtool is 2.42, whose `query` has no `--http.config.file` (2.43 added it, with the
 * same YAML as amtool's): it takes a token as the URL's Basic password instead.
 */
test("promtool query instant works with a token as the URL's Basic password, and fails without", async () => {
  if (!promtoolBinary()) throw new Error("promtool is missing: install the prometheus package");
  const withToken = a.url.replace("http://", `http://promtool:${tokens.viewer}@`);
  const ok = await promtool(["query", "instant", withToken, "vector(42)"]);
  expect([ok.exitCode, ok.stderr]).toEqual([0, ""]);
  expect(ok.stdout).toContain("=> 42");
  const refused = await promtool(["query", "instant", a.url, "vector(42)"]);
  expect([refused.exitCode, refused.stderr]).toEqual([1, expect.stringContaining("401")]);
});

test("amtool works with a token as basic_auth password in --http.config.file, and fails without", async () => {
  const file = join(dir, "amtool-http.yml");
  writeFileSync(file, `basic_auth:\n  username: amtool\n  password: ${tokens.editor}\n`);
  const ok = await amtool(b.url, ["--http.config.file", file, "silence", "query", "-o", "json"]);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout).length).toBeGreaterThan(0);
  const refused = await amtool(b.url, ["silence", "query"]);
  expect(refused.code).not.toBe(0);
});

test("login sets the cookie; a POST with it needs the CSRF header; logout ends the session", async () => {
  const login = await call(a.url, "outpost.auth.v1.AuthService/Login", {
    user: "admin",
    password: PASSWORD,
  });
  expect(login.status).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const setCookie = login.headers.getSetCookie().find((c) => c.startsWith("outpost_session="))!;
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const session = setCookie.split(";")[0];
  secrets.push(session.slice("outpost_session=".length), csrfToken);
  const cookie = { Cookie: session };
  expect((await fetch(`${b.url}/api/v1/query?query=1`, { headers: cookie })).status).toBe(200);
  const post = (extra: Record<string, string>) =>
    fetch(`${b.url}/api/v2/silences`, {
      method: "POST",
      headers: { ...cookie, "Content-Type": "application/json", ...extra },
      body: SILENCE,
    });
  expect((await post({})).status).toBe(403);
  expect((await post({ "X-CSRF-Token": "wrong" })).status).toBe(403);
  expect((await post({ "X-CSRF-Token": csrfToken })).status).toBe(200);
  const who = await call(
    b.url,
    "outpost.auth.v1.AuthService/WhoAmI",
    {},
    { ...cookie, "X-CSRF-Token": csrfToken },
  );
  expect(((await who.json()) as { principal: unknown }).principal).toEqual({
    user: "admin",
    role: "ROLE_ADMIN",
    tenants: ["default"],
    method: "session",
  });
  const out = await call(
    a.url,
    "outpost.auth.v1.AuthService/Logout",
    {},
    { ...cookie, "X-CSRF-Token": csrfToken },
  );
  expect(out.status).toBe(200);
  await until(
    async () => (await fetch(`${b.url}/api/v1/query?query=1`, { headers: cookie })).status === 401,
    5_000,
  );
});

test("logins are rate limited per user: after the burst even the right password is refused", async () => {
  const codes: string[] = [];
  for (const password of ["wrong-1", "wrong-2", "wrong-3", PASSWORD]) {
    const r = await call(a.url, "outpost.auth.v1.AuthService/Login", { user: "editor", password });
    codes.push(r.ok ? "ok" : ((await r.json()) as { code: string }).code);
  }
  expect(codes).toEqual([
    "unauthenticated",
    "unauthenticated",
    "unauthenticated",
    "resource_exhausted",
  ]);
});

test("no token, password, session cookie or CSRF token appears in the logs", () => {
  expect(logged).toContain("component=auth");
  for (const s of secrets) expect(logged.includes(s)).toBe(false);
});

/** Waits until `ok()` holds, polling every 50 ms; throws after `ms`. */
async function until(ok: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${ms} ms`);
    await Bun.sleep(50);
  }
}
