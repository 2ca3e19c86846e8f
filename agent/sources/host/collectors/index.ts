import { compileSearch } from "../../../../shared/regex/regex.ts";
import type { HostCollector } from "../collector.ts";
import type { HostConfig } from "../config.ts";
import { arpCollector } from "./arp.ts";
import { conntrackCollector } from "./conntrack.ts";
import { CpuCollector } from "./cpu.ts";
import { diskstatsCollector } from "./diskstats.ts";
import { entropyCollector } from "./entropy.ts";
import { filefdCollector } from "./filefd.ts";
import { filesystemCollector } from "./filesystem.ts";
import { interruptsCollector } from "./interrupts.ts";
import { loadavgCollector } from "./loadavg.ts";
import { MeminfoCollector } from "./meminfo.ts";
import { netclassCollector } from "./netclass.ts";
import { netdevCollector } from "./netdev.ts";
import { netstatCollector } from "./netstat.ts";
import { OsCollector } from "./os.ts";
import { pressureCollector } from "./pressure.ts";
import { processesCollector } from "./processes.ts";
import { schedstatCollector } from "./schedstat.ts";
import { sockstatCollector } from "./sockstat.ts";
import { softnetCollector } from "./softnet.ts";
import { statCollector } from "./stat.ts";
import { SystemdCollector } from "./systemd/systemd.ts";
import { tcpstatCollector } from "./tcpstat.ts";
import { timeCollector } from "./time.ts";
import { timexCollector } from "./timex.ts";
import { udpQueuesCollector } from "./udp_queues.ts";
import { unameCollector } from "./uname.ts";
import { VmstatCollector } from "./vmstat.ts";

/**
 * The host collectors by node_exporter's name. The cpu collector keeps counters between
 * collections (per procfs path), so one instance serves every source of the process.
 */
export const HOST_COLLECTORS: Record<string, HostCollector> = {
  arp: arpCollector,
  conntrack: conntrackCollector,
  cpu: new CpuCollector(),
  diskstats: diskstatsCollector,
  entropy: entropyCollector,
  filefd: filefdCollector,
  filesystem: filesystemCollector,
  interrupts: interruptsCollector,
  loadavg: loadavgCollector,
  meminfo: new MeminfoCollector(),
  netclass: netclassCollector,
  netdev: netdevCollector,
  netstat: netstatCollector,
  os: new OsCollector(),
  pressure: pressureCollector,
  processes: processesCollector,
  schedstat: schedstatCollector,
  sockstat: sockstatCollector,
  softnet: softnetCollector,
  stat: statCollector,
  systemd: systemdCollector(".+", ".+\\.(automount|device|mount|scope|slice)"),
  tcpstat: tcpstatCollector,
  time: timeCollector,
  timex: timexCollector,
  udp_queues: udpQueuesCollector,
  uname: unameCollector,
  vmstat: new VmstatCollector(),
};

/** The systemd collector with node_exporter's unit filters (anchored patterns). */
function systemdCollector(include: string, exclude: string): SystemdCollector {
  return new SystemdCollector({
    unitInclude: compileSearch(`^(?:${include})$`),
    unitExclude: compileSearch(`^(?:${exclude})$`),
  });
}

/** The built-in collectors with the settings a `host` section gives them (systemd's filters). */
export function hostCollectorsFor(config: HostConfig): Record<string, HostCollector> {
  const { unit_include, unit_exclude } = config.systemd;
  return { ...HOST_COLLECTORS, systemd: systemdCollector(unit_include, unit_exclude) };
}

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
