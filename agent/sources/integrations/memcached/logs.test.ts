import { describe, expect, test } from "bun:test";
import { parseLines } from "../log_testing.ts";
import { confLogfile, memcachedLogSources } from "./logs.ts";

const [source] = memcachedLogSources(
  { key: "memcached:11211", instance: "127.0.0.1:11211" },
  "/var/log/memcached.log",
);

describe("memcached's log source", () => {
  test("is a file source named after the service, labelled job, instance and log", () => {
    expect(source).toMatchObject({
      name: "integrations-memcached_11211-server",
      include: ["/var/log/memcached.log"],
      labels: { job: "integrations/memcached", instance: "127.0.0.1:11211", log: "server" },
    });
  });

  test.each([
    ["<31 new auto-negotiating client connection", "info", { direction: "<", fd: "31" }],
    [">31 END", "info", { direction: ">", fd: "31" }],
    ["failed to listen on TCP port 11211: Address already in use", "error", {}],
    ["Out of memory allocating hash table", "error", {}],
    ["slab class   1: chunk size        96 perslab   10922", "info", {}],
  ])("%p is levelled %p with fields %p", (line, level, fields) => {
    const [got] = parseLines(source, [line]);
    expect(got.level).toBe(level);
    expect(got.fields).toEqual(fields);
  });
});

test.each([
  ["# Debian's file\n-d\nlogfile /var/log/memcached.log\n-m 64\n", "/var/log/memcached.log"],
  ["-m 64\n# logfile /nope.log\n", undefined],
  ["  logfile   /srv/mc.log  \n", "/srv/mc.log"],
])("confLogfile() reads %p as %p", (text, want) => {
  expect(confLogfile(text)).toBe(want);
});
