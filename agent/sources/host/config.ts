import { z } from "zod";
import { filePath, intervalDuration, labelSet } from "../../../shared/config/fields.ts";
import { resolvePath } from "../../../shared/config/http.ts";
import { compileSearch } from "../../../shared/regex/regex.ts";
import type { HostFilters, HostPaths, NameFilter } from "./collector.ts";

/**
 * Every collector the `host` source knows, by node_exporter's name. All but `interrupts` are on
 * by default (see HOST_DEFAULT_COLLECTORS). There is no uptime metric, as in node_exporter:
 * uptime is `node_time_seconds - node_boot_time_seconds`.
 */
export const HOST_COLLECTOR_NAMES = [
  "arp",
  "conntrack",
  "cpu",
  "diskstats",
  "entropy",
  "filefd",
  "filesystem",
  "interrupts",
  "loadavg",
  "meminfo",
  "netclass",
  "netdev",
  "netstat",
  "os",
  "pressure",
  "processes",
  "schedstat",
  "sockstat",
  "softnet",
  "stat",
  "systemd",
  "tcpstat",
  "time",
  "timex",
  "udp_queues",
  "uname",
  "vmstat",
] as const;

/**
 * The collectors on by default: node_exporter 1.5's defaults present here, plus three it leaves
 * off. `processes`, because the issue asks for process and thread counts and it is affordable:
 * it reads one stat file per thread, about 15 µs of CPU each (3.7 ms per collection for 240
 * threads, half of what node_exporter's own takes), so 0.1 % of a core at 1,000 threads and a
 * 15 s interval, 1 % at 10,000: drop it on hosts with that many. `tcpstat`, because Node
 * Exporter Full has three panels of it; it reads /proc/net/tcp{,6}, a line per socket (drop
 * it on hosts with 100,000s of connections). `interrupts` stays off as in node_exporter: it
 * writes a series per CPU and interrupt source (hundreds on big hosts) for one panel.
 * `systemd` (off in node_exporter) because Node Exporter Full has systemd panels and the common
 * rule sets alert on failed units; where PID 1 is not systemd it runs nothing (reports no data).
 */
export const HOST_DEFAULT_COLLECTORS: readonly HostCollectorName[] = HOST_COLLECTOR_NAMES.filter(
  (name) => name !== "interrupts",
);

/** Name of a host collector. */
export type HostCollectorName = (typeof HOST_COLLECTOR_NAMES)[number];

/** node_exporter 1.5.0's default filters, as `prometheus-node-exporter --help` prints them on Debian. */
export const NODE_EXPORTER_DEFAULT_FILTERS = {
  mountPointsExclude:
    "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
  fsTypesExclude:
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$",
  diskDevicesExclude: "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$",
  netDevicesExclude: "^lo$",
} as const;

const REGEX_SEMANTICS =
  "RE2 syntax, matched as node_exporter does: unanchored (a match anywhere in the name counts; write ^ and $ to anchor). Empty excludes nothing.";

/** A node_exporter filter regex: kept as text here, compiled by {@link hostFilters}. */
function filterRegex(fallback: string, what: string) {
  return z
    .string()
    .superRefine((pattern, ctx) => {
      try {
        compileSearch(pattern);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .default(fallback)
    .describe(`${what} ${REGEX_SEMANTICS}`);
}

/** A node_exporter systemd unit filter: RE2, anchored at both ends as node_exporter anchors it. */
function anchoredRegex(fallback: string, what: string) {
  return z
    .string()
    .superRefine((pattern, ctx) => {
      try {
        compileSearch(`^(?:${pattern})$`);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .default(fallback)
    .describe(`${what}: an RE2 pattern matched against the whole unit name.`);
}

const collectorsField = z
  .array(z.string())
  .prefault([...HOST_DEFAULT_COLLECTORS])
  .superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (!(HOST_COLLECTOR_NAMES as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `unknown collector "${name}"; known collectors: ${HOST_COLLECTOR_NAMES.join(", ")}`,
        });
      } else if (seen.has(name)) {
        ctx.addIssue({ code: "custom", path: [i], message: `collector "${name}" is listed twice` });
      }
      seen.add(name);
    });
  })
  .transform((names) => names as HostCollectorName[])
  .meta({ "x-default": "all but interrupts" })
  .describe(
    `Collectors to run, by node_exporter's names: ${HOST_COLLECTOR_NAMES.join(", ")}. All but interrupts are on by default, processes and tcpstat included (node_exporter leaves them off).`,
  );

const staticLabels = labelSet()
  .prefault({})
  .superRefine((labels, ctx) => {
    for (const name of Object.keys(labels)) {
      if (name === "job" || name === "instance") {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `set the ${name} label with the ${name === "job" ? "job_name" : "instance"} field`,
        });
      } else if (name.startsWith("__")) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "labels starting with __ are reserved",
        });
      }
    }
  })
  .describe("Labels added to every host series, besides job and instance.");

/** The agent config's `host` section: node_exporter's metrics, collected in-process. */
export const hostSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Collect host metrics."),
    interval: intervalDuration().prefault("15s").describe("How often to collect."),
    job_name: z.string().min(1).default("node").describe("The `job` label of host series."),
    instance: z
      .string()
      .min(1)
      .optional()
      .meta({ "x-default": "the host name" })
      .describe("The `instance` label of host series."),
    labels: staticLabels,
    collectors: collectorsField,
    exporter_metrics: z
      .boolean()
      .default(true)
      .describe(
        "Write the agent's own process_* metrics (CPU, memory, file descriptors, start time) with the host series, as node_exporter writes its own (its --web.disable-exporter-metrics turns them off); Node Exporter Full's exporter panels read them.",
      ),
    procfs: filePath()
      .prefault("/proc")
      .describe("procfs mount point (node_exporter's --path.procfs)."),
    sysfs: filePath()
      .prefault("/sys")
      .describe("sysfs mount point (node_exporter's --path.sysfs)."),
    rootfs: filePath()
      .prefault("/")
      .describe("Root of the host's file systems (node_exporter's --path.rootfs)."),
    filesystem: z
      .object({
        mount_points_exclude: filterRegex(
          NODE_EXPORTER_DEFAULT_FILTERS.mountPointsExclude,
          "Mount points the filesystem collector skips.",
        ),
        fs_types_exclude: filterRegex(
          NODE_EXPORTER_DEFAULT_FILTERS.fsTypesExclude,
          "File system types the filesystem collector skips.",
        ),
      })
      .strict()
      .prefault({})
      .describe("Settings of the filesystem collector."),
    diskstats: z
      .object({
        device_exclude: filterRegex(
          NODE_EXPORTER_DEFAULT_FILTERS.diskDevicesExclude,
          "Block devices the diskstats collector skips.",
        ),
      })
      .strict()
      .prefault({})
      .describe("Settings of the diskstats collector."),
    netdev: z
      .object({
        device_exclude: filterRegex(
          NODE_EXPORTER_DEFAULT_FILTERS.netDevicesExclude,
          "Network devices the netdev collector skips.",
        ),
      })
      .strict()
      .prefault({})
      .describe("Settings of the netdev collector."),
    systemd: z
      .object({
        unit_include: anchoredRegex(".+", "Units with per-unit series"),
        unit_exclude: anchoredRegex(
          ".+\\.(automount|device|mount|scope|slice)",
          "Units without per-unit series",
        ),
      })
      .strict()
      .prefault({})
      .describe(
        "Settings of the systemd collector (node_exporter's --collector.systemd.unit-include and -exclude).",
      ),
  })
  .strict();

/** The `host` section as validated, before the instance default and path resolution. */
export type HostConfigInput = z.output<typeof hostSchema>;

/** The loaded `host` section: interval in ms, instance set, paths absolute. */
export type HostConfig = Omit<HostConfigInput, "instance"> & { instance: string };

/**
 * Applies the defaults that depend on the environment: `instance` is the host name unless
 * set, and relative mount paths resolve against the config file's folder.
 */
export function normalizeHostConfig(
  input: HostConfigInput,
  baseDir: string,
  hostname: string,
): HostConfig {
  return {
    ...input,
    instance: input.instance ?? hostname,
    procfs: resolvePath(baseDir, input.procfs),
    sysfs: resolvePath(baseDir, input.sysfs),
    rootfs: resolvePath(baseDir, input.rootfs),
  };
}

/** Where the collectors read from. */
export function hostPaths(config: HostConfig): HostPaths {
  return { proc: config.procfs, sys: config.sysfs, root: config.rootfs };
}

/** The collectors' filters, compiled. */
export function hostFilters(config: HostConfig): HostFilters {
  return {
    mountPointsExclude: unanchoredRegex(config.filesystem.mount_points_exclude),
    fsTypesExclude: unanchoredRegex(config.filesystem.fs_types_exclude),
    diskDevicesExclude: unanchoredRegex(config.diskstats.device_exclude),
    netDevicesExclude: unanchoredRegex(config.netdev.device_exclude),
  };
}

const NEVER: NameFilter = { test: () => false };

/**
 * Compiles a node_exporter filter so that `test()` means Go's MatchString: a match anywhere,
 * the pattern's own ^ and $ anchoring it. node_exporter treats an empty filter as unset, so ""
 * matches nothing here.
 */
export function unanchoredRegex(pattern: string): NameFilter {
  if (pattern === "") return NEVER;
  return compileSearch(pattern);
}
