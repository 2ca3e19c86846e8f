// biome-ignore-all lint/suspicious/noExplicitAny: the Loki API's JSON, read loosely
/**
 * The audit log on two in-process aggregators sharing a real nats-server, with
 * `auth.enabled: true`: an editor creates and expires silences, an admin creates and revokes a
 * token, reloads the config, someone fails to log in, a token is made straight in NATS KV and
 * a user by `outpost user add`; each change is read back once through AdminService.ListAudit
 * (Connect JSON and binary) and through the Loki API, with its actor, source and action, and no
 * secret is in any stored line. A viewer is refused ListAudit; SIGHUP reloads are recorded too.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AuthStore } from "../../aggregator/auth/store.ts";
import { connectKv } from "../../aggregator/ingest/connect.ts";
import { loginName, runUser } from "../../cli/auth.ts";
import {
  AdminService,
  AuditOutcome,
  type AuditRecord,
} from "../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { AuthService } from "../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { startInProcessAggregator, testAggregatorYaml } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const EXTRA = `
alerting: {config_file: alertmanager.yml}
auth: {enabled: true}
`;
const PASSWORD = "correct horse battery";
const WRONG = "not the password at all";

let nats: NatsServerHandle;
let dir: string;
let a: Aggregator;
let b: Aggregator;
const tokens: Record<"viewer" | "editor" | "admin", string> = { viewer: "", editor: "", admin: "" };
/** Secrets handed out in this file: none may appear in a stored audit line. */
const secrets: string[] = [PASSWORD, WRONG];
const made = { silence: "", token: "", kvToken: "", cliUser: "cli-made", dashboard: "" };
let rootToken = "";
const OTHER_USER = "otto-of-other";

const client = <
  S extends
    | typeof AdminService
    | typeof AlertsService
    | typeof AuthService
    | typeof DashboardsService,
>(
  service: S,
  url: string,
  token: string,
  useBinaryFormat = false,
): Client<S> =>
  createClient(
    service,
    createConnectTransport({
      baseUrl: url,
      useBinaryFormat,
      interceptors: [
        (next) => (req) => {
          if (token) req.header.set("Authorization", `Bearer ${token}`);
          return next(req);
        },
      ],
    }),
  );

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-audit-"));
  writeFileSync(
    join(dir, "alertmanager.yml"),
    "route: {receiver: none}\nreceivers: [{name: none}]\n",
  );
  a = await startInProcessAggregator(dir, nats.url, EXTRA, "a");
  b = await startInProcessAggregator(dir, nats.url, EXTRA, "b");
  for (const role of ["viewer", "editor", "admin"] as const) {
    await a.auth!.addUser(role, role, PASSWORD);
    tokens[role] = (await a.auth!.createToken({ name: `${role}-token`, owner: role })).secret;
    secrets.push(tokens[role]);
  }
  // An admin of every tenant, and a user of another tenant whose records default's admin
  // must not read.
  await a.auth!.addUser("root", "admin", PASSWORD, ["*"]);
  rootToken = (await a.auth!.createToken({ name: "root-token", owner: "root" })).secret;
  secrets.push(rootToken);
  await a.auth!.addUser(OTHER_USER, "viewer", PASSWORD, ["other"]);
  // b follows the buckets: wait until it knows the tokens.
  for (let i = 0; i < 50 && !(await b.auth!.checkToken(tokens.admin)); i++) await Bun.sleep(100);

  // The changes, on both aggregators and both silence APIs.
  const editorAlerts = client(AlertsService, a.url, tokens.editor);
  const now = Date.now();
  made.silence = (
    await editorAlerts.createSilence({
      silence: {
        matchers: [{ name: "alertname", value: "Audited", isRegex: false, isEqual: true }],
        startsAtMs: BigInt(now),
        endsAtMs: BigInt(now + 3_600_000),
        createdBy: "editor",
        comment: "audit test",
      },
    })
  ).silenceId;
  const expired = await fetch(`${b.url}/api/v2/silence/${made.silence}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${tokens.editor}` },
  });
  expect(expired.status).toBe(200);
  const saved = await client(DashboardsService, b.url, tokens.editor).saveDashboard({
    json: JSON.stringify({ title: "Audited board", panels: [] }),
  });
  made.dashboard = saved.meta!.uid;
  const admin = client(AdminService, a.url, tokens.admin);
  const created = await admin.createToken({ name: "audited", owner: "editor", ttlMs: 86_400_000n });
  secrets.push(created.secret);
  made.token = created.token!.id;
  await client(AdminService, b.url, tokens.admin).revokeToken({ id: made.token });
  const reload = await fetch(`${a.url}/-/reload`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokens.admin}` },
  });
  expect(reload.status).toBe(200);
  const login = client(AuthService, b.url, "").login({ user: "viewer", password: WRONG });
  expect(login).rejects.toThrow();
  await login.catch(() => {});
  // A browser's login on B and its logout on A, through Connect's JSON as the UI sends them.
  const auth = (url: string, method: string, headers: Record<string, string>, body: object) =>
    fetch(`${url}/outpost.auth.v1.AuthService/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const opened = await auth(b.url, "Login", {}, { user: "editor", password: PASSWORD });
  expect(opened.status).toBe(200);
  const { csrfToken } = (await opened.json()) as { csrfToken: string };
  const session = opened.headers.getSetCookie()[0]!.split(";")[0]!;
  secrets.push(session.split("=")[1]!, csrfToken);
  const ended = await auth(a.url, "Logout", { Cookie: session, "X-CSRF-Token": csrfToken }, {});
  expect(ended.status).toBe(200);
  // Another writer of the auth buckets: straight into NATS KV, nothing recorded on its side.
  const conn = await connectKv(a.config.nats, "some-tool");
  const other = new AuthStore({ kv: (bucket) => conn.keyValue(bucket) });
  await other.start(AbortSignal.timeout(10_000));
  const kvToken = await other.createToken({ name: "from-kv", owner: "admin" });
  secrets.push(kvToken.secret);
  made.kvToken = kvToken.token.id;
  other.stop();
  await conn.close();
  // `outpost user add`, which prints the new password on stdout (kept here as a secret).
  const config = join(dir, "cli.yaml");
  writeFileSync(
    config,
    testAggregatorYaml({
      id: "cli",
      natsUrl: nats.url,
      dataDir: join(dir, "cli"),
      storage: { type: "dir", path: join(dir, "bucket") },
      httpPort: 1,
    }),
  );
  const log = console.log;
  console.log = (line: string) => secrets.push(String(line).split(" ").at(-3) ?? "");
  try {
    expect(await runUser(["add", made.cliUser, "--role", "viewer", "--config", config])).toBe(0);
  } finally {
    console.log = log;
  }
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The change each test looks for: action, target, actor name and kind, outcome. */
const CHANGES = () =>
  [
    ["silence.create", made.silence, "editor-token", "token", AuditOutcome.OK],
    ["silence.expire", made.silence, "editor-token", "token", AuditOutcome.OK],
    ["dashboard.save", made.dashboard, "editor-token", "token", AuditOutcome.OK],
    ["token.create", made.token, "admin-token", "token", AuditOutcome.OK],
    ["token.revoke", made.token, "admin-token", "token", AuditOutcome.OK],
    ["config.reload", join(dir, "alertmanager.yml"), "admin-token", "token", AuditOutcome.OK],
    ["login", "viewer", "viewer", "user", AuditOutcome.FAILED],
    ["login", "editor", "editor", "user", AuditOutcome.OK],
    ["logout", "editor", "editor", "user", AuditOutcome.OK],
    ["token.create", made.kvToken, "unknown", "unknown", AuditOutcome.OK],
    ["user.create", made.cliUser, loginName(), "cli", AuditOutcome.OK],
  ] as const;

/** Lists until `ready` holds of the answer (records reach the log store through JetStream). */
async function listUntil(
  admin: Client<typeof AdminService>,
  ready: (r: AuditRecord[]) => boolean,
  req: Parameters<Client<typeof AdminService>["listAudit"]>[0] = {},
): Promise<AuditRecord[]> {
  let records: AuditRecord[] = [];
  for (let i = 0; i < 100; i++) {
    records = (await admin.listAudit({ limit: 1000, ...req })).records;
    if (ready(records)) return records;
    await Bun.sleep(200);
  }
  return records;
}

const has = (rs: AuditRecord[], action: string, target: string) =>
  rs.filter((r) => r.action === action && r.target === target);

describe.each([false, true])("ListAudit (binary %p)", (binary) => {
  test("lists each change once with its actor, source and action", async () => {
    const admin = client(AdminService, binary ? b.url : a.url, tokens.admin, binary);
    const records = await listUntil(admin, (rs) =>
      CHANGES().every(([action, target]) => has(rs, action, target).length > 0),
    );
    for (const [action, target, actor, kind, outcome] of CHANGES()) {
      const found = has(records, action, target);
      expect(found.map((r) => [r.actor?.name, r.actor?.kind, r.outcome])).toEqual([
        [actor, kind, outcome],
      ]);
      const source = found[0]!.source;
      const sources = { unknown: "nats-kv", cli: `cli@${hostname()}` } as Record<string, string>;
      expect(source).toBe(sources[kind] ?? "127.0.0.1");
    }
    const silence = has(records, "silence.create", made.silence)[0]!;
    expect(JSON.parse(silence.changesJson).matchers).toEqual(['alertname="Audited"']);
    const token = has(records, "token.create", made.token)[0]!;
    expect(JSON.parse(token.changesJson)).toMatchObject({ name: "audited", owner: "editor" });
    expect(token.actor?.user).toBe("admin");
  }, 30_000);

  test("filters by actor, action prefix and target, newest first", async () => {
    const admin = client(AdminService, a.url, tokens.admin, binary);
    const silences = await listUntil(admin, (rs) => rs.length >= 2, { actionPrefix: "silence." });
    expect(silences.map((r) => r.action)).toEqual(["silence.expire", "silence.create"]);
    const byTarget = await admin.listAudit({ target: made.token });
    expect(byTarget.records.map((r) => r.action)).toEqual(["token.revoke", "token.create"]);
    const byActor = await admin.listAudit({ actor: "editor-token", actionPrefix: "token" });
    expect(byActor.records).toEqual([]);
    const times = (await admin.listAudit({})).records.map((r) => Number(r.timeMs));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });
});

test("ListAudit refuses a viewer with permission_denied and bad filters with invalid_argument", async () => {
  const viewer = client(AdminService, a.url, tokens.viewer);
  const denied = await viewer.listAudit({}).catch((e) => ConnectError.from(e));
  expect((denied as ConnectError).code).toBe(Code.PermissionDenied);
  const admin = client(AdminService, a.url, tokens.admin);
  for (const [req, field] of [
    [{ actionPrefix: "Silence" }, "action_prefix"],
    [{ limit: 5000 }, "limit"],
    [{ startMs: 10n, endMs: 5n }, "start_ms"],
  ] as const) {
    const err = ConnectError.from(await admin.listAudit(req).catch((e) => e));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain(field);
  }
});

test("ListAudit shows an admin of some tenants only the users, tokens and logins of theirs", async () => {
  const root = client(AdminService, a.url, rootToken);
  const everything = await listUntil(root, (rs) => has(rs, "user.create", OTHER_USER).length > 0);
  expect(has(everything, "user.create", OTHER_USER)).toHaveLength(1);
  const admin = await client(AdminService, a.url, tokens.admin).listAudit({ limit: 1000 });
  expect(has(admin.records, "user.create", OTHER_USER)).toEqual([]);
  expect(has(admin.records, "user.create", "viewer")).toHaveLength(1);
}, 30_000);

test("the Loki API reads the same records, and no stored line holds a secret", async () => {
  const query = encodeURIComponent('{job="outpost",stream="audit"}');
  const start = (Date.now() - 600_000) * 1e6;
  let lines: string[] = [];
  const read = (token: string, tenants?: string) =>
    fetch(`${b.url}/loki/api/v1/query_range?query=${query}&start=${start}&limit=5000`, {
      headers: {
        Authorization: `Bearer ${token}`,
        ...(tenants ? { "X-Scope-OrgID": tenants } : {}),
      },
    });
  // The records of no tenant are Outpost's own tenant's: not for default's admin to read.
  const asAdmin = (await (await read(tokens.admin)).json()) as any;
  const adminLines: string[] = asAdmin.data.result.flatMap((s: any) =>
    s.values.map((v: any) => v[1]),
  );
  expect(adminLines.filter((l) => l.includes('"token.create"') || l.includes('"login"'))).toEqual(
    [],
  );
  expect((await read(tokens.admin, "default|__outpost")).status).toBe(403);
  // Lines another aggregator stored are seen here once its flush and our catalog refresh (10 s) ran.
  for (let i = 0; i < 100; i++) {
    const res = await read(rootToken, "default|__outpost");
    const body = (await res.json()) as any;
    lines = body.data.result.flatMap((s: any) => s.values.map((v: any) => v[1] as string));
    if (lines.some((l) => l.includes(made.kvToken)) && lines.some((l) => l.includes('"denied"')))
      break;
    await Bun.sleep(200);
  }
  const records = lines.map((l) => JSON.parse(l));
  for (const [action, target, actor] of CHANGES()) {
    const found = records.filter((r) => r.action === action && r.target === target);
    expect(found.map((r) => r.actor.name)).toEqual([actor]);
  }
  // A viewer's refused ListAudit is itself recorded.
  expect(records.some((r) => r.outcome === "denied" && r.actor.name === "viewer-token")).toBe(true);
  const stored = lines.join("\n");
  for (const s of secrets) expect(stored).not.toContain(s);
}, 30_000);

test("SIGHUP's reload is recorded by each aggregator with the system as actor", async () => {
  process.emit("SIGHUP" as never);
  const admin = client(AdminService, a.url, tokens.admin);
  const records = await listUntil(admin, (rs) => rs.length >= 4, { actor: "SIGHUP" });
  expect(records.map((r) => [r.action, r.actor?.kind, r.source]).sort()).toEqual([
    ["config.reload", "system", "SIGHUP"],
    ["config.reload", "system", "SIGHUP"],
    ["rules.reload", "system", "SIGHUP"],
    ["rules.reload", "system", "SIGHUP"],
  ]);
}, 30_000);
