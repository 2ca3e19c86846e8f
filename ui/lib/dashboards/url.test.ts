import { expect, test } from "bun:test";
import { parseDuration } from "../time.ts";
import { dashboardUid, effectiveRefresh, formatDashboardUrl, parseDashboardUrl } from "./url.ts";

test("parseDashboardUrl() reads Grafana's from, to, refresh and repeated var- parameters", () => {
  const s = parseDashboardUrl(
    "/d/rYdddlPWk/node-exporter-full",
    "?from=now-6h&to=now&refresh=off&var-node=a%3A9100&var-node=b&var-f=job%7C%3D%7Cnode",
  );
  expect(s).toEqual({
    uid: "rYdddlPWk",
    time: { from: "now-6h", to: "now" },
    refresh: "",
    vars: { node: ["a:9100", "b"], f: ["job|=|node"] },
  });
  expect(formatDashboardUrl(s!)).toBe(
    "/d/rYdddlPWk?from=now-6h&to=now&refresh=off&var-node=a%3A9100&var-node=b&var-f=job%7C%3D%7Cnode",
  );
});

test("dashboardUid() takes /d/<uid> and /d/<uid>/<slug> only", () => {
  expect(dashboardUid("/d/abc")).toBe("abc");
  expect(dashboardUid("/d/abc/x")).toBe("abc");
  expect(dashboardUid("/d/")).toBeUndefined();
  expect(dashboardUid("/dashboards")).toBeUndefined();
});

test("parseDashboardUrl() reads fast=off and formatDashboardUrl() keeps it", () => {
  const s = parseDashboardUrl("/d/abc", "?fast=off&var-x=1");
  expect(s).toEqual({ uid: "abc", vars: { x: ["1"] }, fast: false });
  expect(formatDashboardUrl(s!)).toBe("/d/abc?var-x=1&fast=off");
  expect(parseDashboardUrl("/d/abc", "?fast=on")).toEqual({ uid: "abc", vars: {} });
});

test("effectiveRefresh() raises an interval under 5s to 5s, as Grafana's min_refresh_interval", () => {
  const ms = (d: string) => parseDuration(d);
  expect(effectiveRefresh("1ms", ms)).toBe("5s");
  expect(effectiveRefresh("1s", ms)).toBe("5s");
  expect(effectiveRefresh("5s", ms)).toBe("5s");
  expect(effectiveRefresh("1m", ms)).toBe("1m");
  expect(effectiveRefresh("", ms)).toBe("");
  expect(effectiveRefresh("nonsense", ms)).toBe("nonsense");
});
