import { expect, test } from "bun:test";
import { isStatusPagePath, isUiPath, namesEveryTenant, permissionFor } from "./access.ts";
import { authRequired } from "./config.ts";
import { credentialsOf } from "./credentials.ts";
import { RateLimiter } from "./rate_limit.ts";

test.each([
  ["GET", "/api/v1/query", "read"],
  ["POST", "/api/v1/query_range", "read"],
  ["POST", "/api/v1/label/job/values", "read"],
  ["POST", "/loki/api/v1/query_range", "read"],
  ["POST", "/outpost.query.v1.QueryService/Instant", "read"],
  ["POST", "/outpost.auth.v1.AuthService/WhoAmI", "read"],
  ["POST", "/api/v2/alerts", "write"],
  ["POST", "/api/v2/silences", "write"],
  ["DELETE", "/api/v2/silence/abc", "write"],
  ["POST", "/outpost.alerts.v1.AlertsService/ListAlerts", "read"],
  ["POST", "/outpost.alerts.v1.AlertsService/WatchAlerts", "read"],
  ["POST", "/outpost.uptime.v1.UptimeService/ListTargets", "read"],
  ["POST", "/outpost.uptime.v1.UptimeService/GetTarget", "read"],
  ["POST", "/outpost.alerts.v1.AlertsService/CreateSilence", "write"],
  ["POST", "/outpost.alerts.v1.AlertsService/ExpireSilence", "write"],
  ["POST", "/outpost.alerts.v1.AlertsService/TestReceiver", "write"],
  ["POST", "/outpost.dashboards.v1.DashboardsService/SearchDashboards", "read"],
  ["POST", "/outpost.dashboards.v1.DashboardsService/ExportDashboard", "read"],
  ["POST", "/outpost.dashboards.v1.DashboardsService/SaveDashboard", "write"],
  ["POST", "/outpost.dashboards.v1.DashboardsService/ImportDashboard", "write"],
  ["POST", "/outpost.dashboards.v1.DashboardsService/RestoreVersion", "write"],
  ["POST", "/outpost.dashboards.v1.DashboardsService/DeleteFolder", "write"],
  ["POST", "/outpost.admin.v1.AdminService/CreateToken", "admin"],
  ["POST", "/outpost.future.v1.NewService/Change", "admin"],
  ["POST", "/-/reload", "admin"],
  ["GET", "/prometheus/config/v1/rules/ns", "read"],
  ["POST", "/prometheus/config/v1/rules/ns", "write"],
  ["DELETE", "/prometheus/config/v1/rules/ns/group", "write"],
  ["POST", "/config/v1/rules/ns", "write"],
  ["POST", "/config/v1/rulesx", "admin"],
  ["PUT", "/some/new/route", "admin"],
] as const)("permissionFor(%s %s) is %s", (method, path, want) => {
  expect(permissionFor(method, path)).toBe(want);
});

test.each([
  ["auto", "127.0.0.1:9090", false],
  ["auto", "[::1]:9090", false],
  ["auto", "localhost:9090", false],
  ["auto", ":9090", true],
  ["auto", "0.0.0.0:9090", true],
  ["auto", "10.0.0.5:9090", true],
  [false, ":9090", false],
  [true, "127.0.0.1:9090", true],
] as const)("authRequired(%p, %s) is %p", (enabled, listen, want) => {
  expect(authRequired(enabled, listen)).toBe(want);
});

const b64 = (s: string) => Buffer.from(s).toString("base64");
test.each([
  ["Bearer opt_abc", { kind: "token", secret: "opt_abc" }],
  [`Basic ${b64("grafana:opt_abc")}`, { kind: "token", secret: "opt_abc" }],
  // A token as the user name with no password (curl -u TOKEN:, http://TOKEN@host/).
  [`Basic ${b64("opt_abc:")}`, { kind: "token", secret: "opt_abc" }],
  [`Basic ${b64("opt_abc:pw")}`, { kind: "password", user: "opt_abc", password: "pw" }],
  [
    `Basic ${b64("alice:pw:with:colons")}`,
    { kind: "password", user: "alice", password: "pw:with:colons" },
  ],
  [`Basic ${b64("nocolon")}`, { kind: "malformed", reason: "Basic credentials have no ':'" }],
  ["Digest x", { kind: "malformed", reason: "expected the Bearer or Basic scheme" }],
] as const)("credentialsOf() reads Authorization %s", (header, want) => {
  expect(credentialsOf(new Headers({ Authorization: header }))).toEqual(want);
});

test("credentialsOf() reads the session cookie when there is no Authorization header", () => {
  const h = new Headers({ Cookie: "a=1; outpost_session=xyz; b=2" });
  expect(credentialsOf(h)).toEqual({ kind: "session", id: "xyz" });
  expect(credentialsOf(new Headers())).toEqual({ kind: "none" });
});

test("RateLimiter allows the burst, then one attempt per refill interval", () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perMinute: 6 }, () => now);
  const tries = () => [1, 2, 3, 4].map(() => limiter.take(["alice"]));
  expect(tries()).toEqual([true, true, true, false]);
  now += 10_000; // 6 a minute: one every 10 s
  expect(tries()).toEqual([true, false, false, false]);
  expect(limiter.take(["bob"])).toBe(true);
});

test.each([
  ["GET", "/", true],
  ["GET", "/explore", true],
  ["HEAD", "/login", true],
  ["GET", "/assets/main-abc.js", true],
  ["POST", "/explore", false],
  ["GET", "/api/v1/query", false],
  ["GET", "/outpost.query.v1.QueryService/Range", false],
  ["GET", "/metrics", false],
  ["GET", "/explorer", false],
  ["GET", "/status", true],
  ["GET", "/status.json", false],
  ["GET", "/graph", true],
  ["POST", "/graph", false],
  ["GET", "/runbooks", true],
  ["GET", "/runbooks/integrations", true],
  ["GET", "/runbooks/other", false],
  ["GET", "/d/abc", true],
  ["GET", "/d/abc/node-exporter-full", true],
  ["GET", "/d/", false],
  ["GET", "/d/a/b/c", false],
  ["POST", "/d/abc", false],
])(
  "isUiPath(%s %s) is %p: the page and assets load without credentials, nothing else",
  (method, path, open) => {
    expect(isUiPath(method, path)).toBe(open);
  },
);

test.each([
  ["GET", "/status.json", true],
  ["HEAD", "/status.json", true],
  ["POST", "/status.json", false],
  ["GET", "/status.json/x", false],
  ["GET", "/status", false],
])("isStatusPagePath(%s %s) is %p: only reading the status page's data", (method, path, open) => {
  expect(isStatusPagePath(method, path)).toBe(open);
});

test.each([
  ["/metrics", true],
  ["/api/v1/alertmanagers", true],
  ["/api/v1/query", false],
])("namesEveryTenant(%s) is %p: only a principal of every tenant reads it", (path, every) => {
  expect(namesEveryTenant(path)).toBe(every);
});
