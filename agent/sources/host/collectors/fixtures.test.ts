import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { collect } from "../../../../shared/exposition/testing.ts";
import { collectWith, FIXTURE_PATHS } from "../testing.ts";
import { HOST_COLLECTORS } from "./index.ts";
import { NEWER_THAN_1_5 } from "./softnet.ts";

/**
 * testdata/a/node_exporter.prom is what node_exporter 1.5.0 served for the fixture tree
 * (`--path.procfs=testdata/a/proc --path.sysfs=… --path.rootfs=…`, time, uname, timex and
 * tcpstat left out as they read the clock, system calls or netlink); each collector must write
 * exactly its part of it.
 */
const golden = collect(readFileSync(join(FIXTURE_PATHS.proc, "../node_exporter.prom")));

/** The families each collector owns, by name prefix. */
const OWNED: [collector: string, prefixes: string[]][] = [
  ["cpu", ["node_cpu_"]],
  [
    "stat",
    [
      "node_boot_time_seconds",
      "node_context_switches_total",
      "node_forks_total",
      "node_intr_total",
      "node_procs_",
    ],
  ],
  ["loadavg", ["node_load"]],
  ["meminfo", ["node_memory_"]],
  ["filefd", ["node_filefd_"]],
  ["pressure", ["node_pressure_"]],
  ["vmstat", ["node_vmstat_"]],
  ["entropy", ["node_entropy_"]],
  ["conntrack", ["node_nf_conntrack_"]],
  ["os", ["node_os_"]],
  ["processes", ["node_processes_"]],
  ["arp", ["node_arp_"]],
  ["softnet", ["node_softnet_"]],
  ["udp_queues", ["node_udp_queues"]],
  ["interrupts", ["node_interrupts_"]],
  ["schedstat", ["node_schedstat_"]],
];

const owned = (prefixes: string[]) => (name: string) => prefixes.some((p) => name.startsWith(p));

test.each(OWNED)(
  "the %s collector writes what node_exporter 1.5.0 serves for the fixture tree",
  async (name, prefixes) => {
    const w = await collectWith(HOST_COLLECTORS[name]);
    for (const family of NEWER_THAN_1_5) w.families.delete(family);
    const mine = owned(prefixes);
    const expected = golden.samples
      .filter(([series]) => mine(series.split("{")[0]))
      .map(([series, value]) => `${series} ${value}`)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(w.lines().filter((l) => !NEWER_THAN_1_5.has(l.split(/[{ ]/)[0]))).toEqual(expected);
    const families = [...w.families].map(([family, m]) => [family, m.type, m.help]).sort();
    const expectedFamilies = [...new Set(golden.metadata.map(([family]) => family))]
      .filter(mine)
      .map((family) => [family, typeOf(family), helpOf(family)])
      .sort();
    expect(families).toEqual(expectedFamilies);
  },
);

function typeOf(family: string): string {
  return golden.metadata.find(([f, kind]) => f === family && kind === "type")?.[2] ?? "";
}

function helpOf(family: string): string {
  return golden.metadata.find(([f, kind]) => f === family && kind === "help")?.[2] ?? "";
}
