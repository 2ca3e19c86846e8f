import { statSync } from "node:fs";
import { join } from "node:path";
import type { Regex } from "../../../../../shared/regex/regex.ts";
import type { MetricWriter } from "../../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../../collector.ts";
import { NoDataError } from "../../errors.ts";
import { readTextIfExists } from "../../read.ts";
import {
  parseManager,
  parseUnits,
  type SystemdManager,
  type SystemdUnit,
  UNIT_PROPERTIES,
  versionNumber,
} from "./show.ts";
import { runSystemctl } from "./systemctl.ts";

/** The states node_exporter writes a `node_systemd_unit_state` series for, in its order. */
const UNIT_STATES = ["active", "activating", "deactivating", "inactive", "failed"] as const;
/** systemd 212 brought the manager's SystemState and timers' LastTriggerUSec. */
const MIN_VERSION_SYSTEM_STATE = 212;

/** Runs `systemctl` with arguments and resolves to its standard output. */
export type Systemctl = (args: readonly string[]) => Promise<string>;

/** Options of {@link SystemdCollector}: node_exporter's `--collector.systemd.unit-*` flags. */
export interface SystemdOptions {
  /** Units with per-unit series: matching include and not exclude (both anchored). */
  unitInclude: Regex;
  unitExclude: Regex;
  /** Tests run a captured output instead of the host's systemctl. */
  systemctl?: Systemctl;
}

/**
 * node_exporter's `systemd` collector, reading the manager through `systemctl show` rather
 * than D-Bus (two short processes per collection). On a host whose PID 1 is not systemd
 * (a container, a VM booted with another init) it reports no data and runs nothing.
 */
export class SystemdCollector implements HostCollector {
  readonly name = "systemd";
  private readonly systemctl: Systemctl;

  constructor(private readonly opts: SystemdOptions) {
    this.systemctl = opts.systemctl ?? runSystemctl;
  }

  async collect(w: MetricWriter, ctx: CollectContext): Promise<void> {
    if (!this.opts.systemctl && !systemdBooted(ctx.paths.proc, ctx.paths.root))
      throw new NoDataError("systemd is not running on this host (PID 1 is not systemd)");
    const [managerText, unitsText] = await Promise.all([
      this.systemctl(["show", "--property=Version,SystemState"]),
      this.systemctl([
        "show",
        "--timestamp=us+utc",
        `--property=${UNIT_PROPERTIES.join(",")}`,
        "*",
      ]),
    ]);
    writeSystemd(w, parseManager(managerText), parseUnits(unitsText), this.opts);
  }
}

/**
 * Whether systemd is the host's init: sd_booted()'s test (/run/systemd/system exists) and
 * PID 1's name, so a host with systemd installed but another init is not taken for one.
 */
export function systemdBooted(procfs: string, rootfs: string): boolean {
  const comm = readTextIfExists(join(procfs, "1/comm"))?.trim();
  if (comm !== "systemd") return false;
  try {
    return statSync(join(rootfs, "run/systemd/system")).isDirectory();
  } catch {
    return false;
  }
}

/** Writes node_exporter 1.5's systemd families from the manager's and units' properties. */
export function writeSystemd(
  w: MetricWriter,
  manager: SystemdManager,
  units: readonly SystemdUnit[],
  filter: Pick<SystemdOptions, "unitInclude" | "unitExclude">,
): void {
  const version = versionNumber(manager.version);
  w.family("node_systemd_version", "gauge", "Detected systemd version");
  w.sample("node_systemd_version", ["version", manager.version], version);
  writeSummary(w, units);
  const kept = units.filter(
    (u) =>
      u.loadState === "loaded" &&
      filter.unitInclude.test(u.name) &&
      !filter.unitExclude.test(u.name),
  );
  w.family("node_systemd_unit_state", "gauge", "Systemd unit");
  for (const u of kept)
    for (const state of UNIT_STATES)
      w.sample(
        "node_systemd_unit_state",
        ["name", u.name, "state", state, "type", u.type],
        state === u.activeState ? 1 : 0,
      );
  writeRestarts(w, kept);
  if (version >= MIN_VERSION_SYSTEM_STATE) writeTimers(w, kept);
  writeSockets(w, kept);
  if (version >= MIN_VERSION_SYSTEM_STATE) {
    w.family(
      "node_systemd_system_running",
      "gauge",
      "Whether the system is operational (see 'systemctl is-system-running')",
    );
    w.sample("node_systemd_system_running", [], manager.systemState === "running" ? 1 : 0);
  }
}

/** Units per active state over every loaded unit, filtered or not, as node_exporter counts. */
function writeSummary(w: MetricWriter, units: readonly SystemdUnit[]): void {
  const counts = new Map<string, number>(UNIT_STATES.map((s) => [s, 0]));
  for (const u of units) counts.set(u.activeState, (counts.get(u.activeState) ?? 0) + 1);
  w.family("node_systemd_units", "gauge", "Summary of systemd unit states");
  for (const [state, n] of counts) w.sample("node_systemd_units", ["state", state], n);
}

/**
 * node_exporter's restart counter (behind its `--collector.systemd.enable-restarts-metrics`
 * flag, always on here): a service's NRestarts, left out where systemd (before 235) has none.
 */
function writeRestarts(w: MetricWriter, units: readonly SystemdUnit[]): void {
  const name = "node_systemd_service_restart_total";
  w.family(name, "counter", "Service unit count of Restart triggers");
  for (const u of units) if (u.restarts !== undefined) w.sample(name, ["name", u.name], u.restarts);
}

function writeTimers(w: MetricWriter, units: readonly SystemdUnit[]): void {
  const name = "node_systemd_timer_last_trigger_seconds";
  w.family(name, "gauge", "Seconds since epoch of last trigger.");
  for (const u of units)
    if (u.lastTrigger !== undefined) w.sample(name, ["name", u.name], u.lastTrigger);
}

function writeSockets(w: MetricWriter, units: readonly SystemdUnit[]): void {
  const accepted = "node_systemd_socket_accepted_connections_total";
  const current = "node_systemd_socket_current_connections";
  const refused = "node_systemd_socket_refused_connections_total";
  w.family(accepted, "counter", "Total number of accepted socket connections");
  w.family(current, "gauge", "Current number of socket connections");
  // A gauge, though named _total: node_exporter declares it so.
  w.family(refused, "gauge", "Total number of refused socket connections");
  for (const u of units) {
    // node_exporter skips a socket whose counts it cannot read, and NRefused alone before 239.
    if (u.accepted === undefined || u.connections === undefined) continue;
    w.sample(accepted, ["name", u.name], u.accepted);
    w.sample(current, ["name", u.name], u.connections);
    if (u.refused !== undefined) w.sample(refused, ["name", u.name], u.refused);
  }
}
