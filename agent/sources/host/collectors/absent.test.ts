import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { machine, release, tmpdir } from "node:os";
import { join } from "node:path";
import { NoDataError } from "../errors.ts";
import { collectWith, fixtureContext, RecordingWriter } from "../testing.ts";
import { HOST_COLLECTORS } from "./index.ts";

/** An empty host: proc, sys and root exist but hold nothing. */
function emptyTree() {
  const dir = mkdtempSync(join(tmpdir(), "outpost-empty-"));
  const paths = { proc: join(dir, "proc"), sys: join(dir, "sys"), root: join(dir, "root") };
  for (const p of Object.values(paths)) mkdirSync(p);
  return paths;
}

test.each(["pressure", "conntrack", "os", "schedstat", "udp_queues"])(
  "the %s collector reports no data, not an error, when its files are absent",
  async (name) => {
    const w = new RecordingWriter();
    let thrown: unknown;
    try {
      await HOST_COLLECTORS[name].collect(w, fixtureContext(emptyTree()));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(NoDataError);
    expect(w.samples).toEqual([]);
  },
);

test.each([
  "cpu",
  "stat",
  "meminfo",
  "loadavg",
  "filefd",
  "vmstat",
  "entropy",
  "arp",
  "softnet",
  "tcpstat",
  "interrupts",
])("the %s collector fails when its /proc file is missing", async (name) => {
  const promise = collectWith(HOST_COLLECTORS[name], emptyTree());
  await expect(promise).rejects.toThrow(/ENOENT|no such file/i);
});

test("the time collector writes the clock, the zone and the fixture's clocksources", async () => {
  const before = Date.now() / 1000;
  const w = await collectWith(HOST_COLLECTORS.time);
  const now = w.value("node_time_seconds")!;
  expect(now).toBeGreaterThanOrEqual(before);
  expect(now).toBeLessThan(before + 5);
  expect(
    w.samples.find((s) => s.name === "node_time_zone_offset_seconds")?.labels.time_zone,
  ).toBeTruthy();
  expect(w.lines().filter((l) => l.startsWith("node_time_clocksource"))).toEqual([
    'node_time_clocksource_available_info{clocksource="acpi_pm", device="0"} 1',
    'node_time_clocksource_available_info{clocksource="kvm-clock", device="0"} 1',
    'node_time_clocksource_available_info{clocksource="tsc", device="0"} 1',
    'node_time_clocksource_current_info{clocksource="kvm-clock", device="0"} 1',
  ]);
});

test("the time collector writes no clocksources when sysfs has none", async () => {
  const w = await collectWith(HOST_COLLECTORS.time, emptyTree());
  expect([...w.families.keys()]).toEqual(["node_time_seconds", "node_time_zone_offset_seconds"]);
});

test("the uname collector labels a constant 1 with the uname fields", async () => {
  const w = await collectWith(HOST_COLLECTORS.uname);
  expect(w.samples).toHaveLength(1);
  const { labels, value } = w.samples[0];
  expect(value).toBe(1);
  expect(labels).toMatchObject({ machine: machine(), release: release(), domainname: "(none)" });
  expect(Object.keys(labels).sort()).toEqual([
    "domainname",
    "machine",
    "nodename",
    "release",
    "sysname",
    "version",
  ]);
});
