import { expect, test } from "bun:test";
import type { LogSourceConfig } from "./config/logs.ts";
import { ConfiguredFiles } from "./logs_overlap.ts";

const source = (name: string, include: string[], exclude: string[] = []) =>
  ({ name, include, exclude, labels: {}, stages: [] }) as unknown as LogSourceConfig;

const user = new ConfiguredFiles([
  source("varlog", ["/var/log/*.log"], ["/var/log/haproxy.log"]),
  source("nats", ["/srv/nats/**/*.log"]),
]);

test.each([
  ["a file a user's glob matches is left to it", ["/var/log/memcached.log"], [], "varlog"],
  [
    "a file the user's entry excludes is tailed",
    ["/var/log/haproxy.log"],
    ["/var/log/haproxy.log"],
    null,
  ],
  ["a nested match under ** is left to it", ["/srv/nats/a/n.log"], [], "nats"],
  ["a file no entry matches is tailed", ["/opt/x.log"], ["/opt/x.log"], null],
  ["a service's own glob is kept as it is", ["/var/log/*.log"], ["/var/log/*.log"], null],
])("ConfiguredFiles.without(): %s", (_, include, kept, by) => {
  const r = user.without([source("svc", include)]);
  expect(r.kept.flatMap((s) => s.include)).toEqual(kept);
  expect(r.skipped).toEqual(by === null ? [] : [{ file: include[0], by }]);
});

test("a service source keeps the files no entry tails, and its other settings", () => {
  const r = user.without([source("svc", ["/var/log/apache.log", "/opt/error.log"])]);
  expect(r.kept).toEqual([source("svc", ["/opt/error.log"])]);
  expect(r.skipped).toEqual([{ file: "/var/log/apache.log", by: "varlog" }]);
});
