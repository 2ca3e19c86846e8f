import type { HostCollector } from "../collector.ts";
import { conntrackCollector } from "./conntrack.ts";
import { CpuCollector } from "./cpu.ts";
import { diskstatsCollector } from "./diskstats.ts";
import { entropyCollector } from "./entropy.ts";
import { filefdCollector } from "./filefd.ts";
import { filesystemCollector } from "./filesystem.ts";
import { loadavgCollector } from "./loadavg.ts";
import { MeminfoCollector } from "./meminfo.ts";
import { netclassCollector } from "./netclass.ts";
import { netdevCollector } from "./netdev.ts";
import { netstatCollector } from "./netstat.ts";
import { OsCollector } from "./os.ts";
import { pressureCollector } from "./pressure.ts";
import { processesCollector } from "./processes.ts";
import { sockstatCollector } from "./sockstat.ts";
import { statCollector } from "./stat.ts";
import { timeCollector } from "./time.ts";
import { unameCollector } from "./uname.ts";
import { VmstatCollector } from "./vmstat.ts";

/**
 * The host collectors by node_exporter's name. The cpu collector keeps counters between
 * collections (per procfs path), so one instance serves every source of the process.
 */
export const HOST_COLLECTORS: Record<string, HostCollector> = {
  conntrack: conntrackCollector,
  cpu: new CpuCollector(),
  diskstats: diskstatsCollector,
  entropy: entropyCollector,
  filefd: filefdCollector,
  filesystem: filesystemCollector,
  loadavg: loadavgCollector,
  meminfo: new MeminfoCollector(),
  netclass: netclassCollector,
  netdev: netdevCollector,
  netstat: netstatCollector,
  os: new OsCollector(),
  pressure: pressureCollector,
  processes: processesCollector,
  sockstat: sockstatCollector,
  stat: statCollector,
  time: timeCollector,
  uname: unameCollector,
  vmstat: new VmstatCollector(),
};

/** The collectors named in a config, in its order; throws for a name with no implementation. */
export function selectCollectors(
  names: readonly string[],
  from: Record<string, HostCollector> = HOST_COLLECTORS,
): HostCollector[] {
  return names.map((name) => {
    const c = Object.hasOwn(from, name) ? from[name] : undefined;
    if (!c)
      throw new RangeError(`Cannot start the host source: collector "${name}" is not built in`);
    return c;
  });
}
