/** cAdvisor's `container_*` families from cgroup figures, with its names, types and HELP. */
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CgroupSpec } from "./spec.ts";
import type { CgroupStats } from "./stats.ts";
import { SPEC_FAMILIES, writeSpec } from "./write_limits.ts";

/** One container's identity labels (cAdvisor's `id`, `name`, `image`; empty ones drop out). */
export interface ContainerLabels {
  id: string;
  name: string;
  image: string;
}

/** A network interface's counters from /proc/<pid>/net/dev. */
export interface InterfaceStats {
  name: string;
  /** rx bytes, packets, errs, drop; tx bytes, packets, errs, drop. */
  counters: readonly number[];
}

/** One container as a collection saw it. */
export interface ContainerSample {
  labels: ContainerLabels;
  stats: CgroupStats;
  spec: CgroupSpec;
  network: readonly InterfaceStats[];
  /** Start time (seconds since the epoch). */
  started: number;
  /** `major:minor` → `/dev/<name>`. */
  devices: ReadonlyMap<string, string>;
}

type Family = readonly [name: string, type: MetricType, help: string];
const f = (name: string, type: MetricType, help: string): Family => [name, type, help];

/** Families with one sample per container, and where the value comes from. */
const SCALARS: readonly [Family, (s: CgroupStats) => number | undefined][] = [
  [
    f(
      "container_cpu_user_seconds_total",
      "counter",
      "Cumulative user cpu time consumed in seconds.",
    ),
    (s) => s.cpuUser,
  ],
  [
    f(
      "container_cpu_system_seconds_total",
      "counter",
      "Cumulative system cpu time consumed in seconds.",
    ),
    (s) => s.cpuSystem,
  ],
  [
    f(
      "container_memory_usage_bytes",
      "gauge",
      "Current memory usage in bytes, including all memory regardless of when it was accessed",
    ),
    (s) => s.memoryUsage,
  ],
  [
    f("container_memory_working_set_bytes", "gauge", "Current working set in bytes."),
    (s) => s.memoryWorkingSet,
  ],
  [f("container_memory_rss", "gauge", "Size of RSS in bytes."), (s) => s.memoryRss],
  [
    f("container_memory_cache", "gauge", "Number of bytes of page cache memory."),
    (s) => s.memoryCache,
  ],
  [
    f("container_memory_mapped_file", "gauge", "Size of memory mapped files in bytes."),
    (s) => s.memoryMappedFile,
  ],
  [f("container_memory_swap", "gauge", "Container swap usage in bytes."), (s) => s.memorySwap],
  [
    f("container_memory_max_usage_bytes", "gauge", "Maximum memory usage recorded in bytes"),
    (s) => s.memoryMaxUsage,
  ],
  [
    f("container_memory_failcnt", "counter", "Number of memory usage hits limits"),
    (s) => s.memoryFailcnt,
  ],
  [
    f(
      "container_oom_events_total",
      "counter",
      "Count of out of memory events observed for the container",
    ),
    (s) => s.oomKills,
  ],
  [
    f("container_threads", "gauge", "Number of threads running inside the container"),
    (s) => s.tasks,
  ],
];

const CPU = f(
  "container_cpu_usage_seconds_total",
  "counter",
  "Cumulative cpu time consumed in seconds.",
);
const FAILURES = f(
  "container_memory_failures_total",
  "counter",
  "Cumulative count of memory allocation failures.",
);
const IO: readonly [Family, "readBytes" | "writeBytes" | "reads" | "writes"][] = [
  [f("container_fs_reads_bytes_total", "counter", "Cumulative count of bytes read"), "readBytes"],
  [
    f("container_fs_writes_bytes_total", "counter", "Cumulative count of bytes written"),
    "writeBytes",
  ],
  [f("container_fs_reads_total", "counter", "Cumulative count of reads completed"), "reads"],
  [f("container_fs_writes_total", "counter", "Cumulative count of writes completed"), "writes"],
];
/** In /proc/net/dev's column order after the name: rx bytes, packets, errs, drop; tx the same. */
const NETWORK: readonly [Family, number][] = [
  [f("container_network_receive_bytes_total", "counter", "Cumulative count of bytes received"), 0],
  [
    f("container_network_receive_packets_total", "counter", "Cumulative count of packets received"),
    1,
  ],
  [
    f(
      "container_network_receive_errors_total",
      "counter",
      "Cumulative count of errors encountered while receiving",
    ),
    2,
  ],
  [
    f(
      "container_network_receive_packets_dropped_total",
      "counter",
      "Cumulative count of packets dropped while receiving",
    ),
    3,
  ],
  [
    f("container_network_transmit_bytes_total", "counter", "Cumulative count of bytes transmitted"),
    4,
  ],
  [
    f(
      "container_network_transmit_packets_total",
      "counter",
      "Cumulative count of packets transmitted",
    ),
    5,
  ],
  [
    f(
      "container_network_transmit_errors_total",
      "counter",
      "Cumulative count of errors encountered while transmitting",
    ),
    6,
  ],
  [
    f(
      "container_network_transmit_packets_dropped_total",
      "counter",
      "Cumulative count of packets dropped while transmitting",
    ),
    7,
  ],
];
const LAST_SEEN = f(
  "container_last_seen",
  "gauge",
  "Last time a container was seen by the exporter",
);
const START = f(
  "container_start_time_seconds",
  "gauge",
  "Start time of the container since unix epoch in seconds.",
);

/** Writes every container's families; `nowSeconds` is container_last_seen's value. */
export function writeContainers(
  w: MetricWriter,
  containers: readonly ContainerSample[],
  nowSeconds: number,
): void {
  for (const fam of [
    CPU,
    FAILURES,
    LAST_SEEN,
    START,
    ...SCALARS.map(([x]) => x),
    ...SPEC_FAMILIES,
    ...IO.map(([x]) => x),
    ...NETWORK.map(([x]) => x),
  ])
    w.family(fam[0], fam[1], fam[2]);
  for (const c of containers) {
    const base = ["id", c.labels.id, "image", c.labels.image, "name", c.labels.name];
    const s = c.stats;
    if (s.cpuTotal !== undefined) w.sample(CPU[0], [...base, "cpu", "total"], s.cpuTotal);
    for (const [[name], get] of SCALARS) {
      const v = get(s);
      if (v !== undefined) w.sample(name, base, v);
    }
    writeSpec(w, base, c.spec, s);
    writeFailures(w, base, s);
    for (const [device, io] of s.io) {
      const labels = [...base, "device", c.devices.get(device) ?? device];
      for (const [[name], key] of IO) w.sample(name, labels, io[key]);
    }
    for (const iface of c.network)
      for (const [[name], column] of NETWORK)
        w.sample(name, [...base, "interface", iface.name], iface.counters[column]);
    w.sample(LAST_SEEN[0], base, nowSeconds);
    if (c.started > 0) w.sample(START[0], base, c.started);
  }
}

/** cAdvisor's page faults: the cgroup's own (`container`) and with its children (`hierarchy`). */
function writeFailures(w: MetricWriter, base: readonly string[], s: CgroupStats): void {
  for (const [type, scope, v] of [
    ["pgfault", "container", s.pgfaultOwn],
    ["pgmajfault", "container", s.pgmajfaultOwn],
    ["pgfault", "hierarchy", s.pgfault],
    ["pgmajfault", "hierarchy", s.pgmajfault],
  ] as const)
    if (v !== undefined) w.sample(FAILURES[0], [...base, "failure_type", type, "scope", scope], v);
}
