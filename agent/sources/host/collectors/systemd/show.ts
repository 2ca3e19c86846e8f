/**
 * Parsing `systemctl show` output: blocks of `Name=value` lines, one block per unit, separated
 * by an empty line. What systemctl prints is what the manager answered over D-Bus, so these are
 * the same properties node_exporter's systemd collector reads over D-Bus itself.
 */

/** One unit as node_exporter's collector needs it. */
export interface SystemdUnit {
  /** `Id`: the unit's name, `ssh.service`. */
  name: string;
  /** `LoadState`: loaded, not-found, masked… Only loaded units get per-unit series. */
  loadState: string;
  /** `ActiveState`: active, activating, deactivating, inactive, failed (reloading, maintenance). */
  activeState: string;
  /** `Type` of a service (simple, forking, notify, oneshot…), "" for other units. */
  type: string;
  /** Services: `NRestarts`, automatic restarts since the unit was loaded (systemd 235+). */
  restarts?: number;
  /** Sockets: `NAccepted`, `NConnections`, `NRefused` (absent before systemd 239). */
  accepted?: number;
  connections?: number;
  refused?: number;
  /** Timers: `LastTriggerUSec` in seconds since the epoch, 0 when never triggered. */
  lastTrigger?: number;
}

/** The manager's own properties. */
export interface SystemdManager {
  /** `Version`, as systemd reports it (`252.39-1~deb12u2`). */
  version: string;
  /** `SystemState`: what `systemctl is-system-running` prints (running, degraded…). */
  systemState: string;
}

/** Properties the collector asks for, per unit. */
export const UNIT_PROPERTIES = [
  "Id",
  "LoadState",
  "ActiveState",
  "Type",
  "NRestarts",
  "NAccepted",
  "NConnections",
  "NRefused",
  "LastTriggerUSec",
] as const;

/** Splits `systemctl show` output into one property map per block. */
export function parseShowBlocks(text: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let current = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") {
      if (current.size > 0) blocks.push(current);
      current = new Map();
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) continue; // not a property line: ignored rather than guessed at
    current.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (current.size > 0) blocks.push(current);
  return blocks;
}

/** The units of `systemctl show --property=<UNIT_PROPERTIES> '*'`; blocks without an Id are skipped. */
export function parseUnits(text: string): SystemdUnit[] {
  const units: SystemdUnit[] = [];
  for (const b of parseShowBlocks(text)) {
    const name = b.get("Id");
    if (!name) continue;
    const unit: SystemdUnit = {
      name,
      loadState: b.get("LoadState") ?? "",
      activeState: b.get("ActiveState") ?? "",
      type: name.endsWith(".service") ? (b.get("Type") ?? "") : "",
    };
    if (name.endsWith(".service")) unit.restarts = uint(b.get("NRestarts"));
    if (name.endsWith(".socket")) {
      unit.accepted = uint(b.get("NAccepted"));
      unit.connections = uint(b.get("NConnections"));
      unit.refused = uint(b.get("NRefused"));
    }
    if (name.endsWith(".timer")) unit.lastTrigger = timestamp(b.get("LastTriggerUSec")) ?? 0;
    units.push(unit);
  }
  return units;
}

/** The manager's `Version` and `SystemState` from `systemctl show --property=Version,SystemState`. */
export function parseManager(text: string): SystemdManager {
  const b = parseShowBlocks(text)[0] ?? new Map<string, string>();
  return { version: b.get("Version") ?? "", systemState: b.get("SystemState") ?? "" };
}

/**
 * node_exporter's version figure: the first run of three or more digits with an optional
 * fraction (`252.39-1~deb12u2` → 252.39), 0 when there is none.
 */
export function versionNumber(version: string): number {
  const m = /[0-9]{3,}(\.[0-9]+)?/.exec(version);
  return m ? Number(m[0]) : 0;
}

function uint(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * A timestamp as `systemctl --timestamp=us+utc` prints it (`Sun 2024-01-07 10:00:00.123456 UTC`),
 * in seconds; undefined for an empty or `n/a` value (a timer never triggered).
 */
export function timestamp(text: string | undefined): number | undefined {
  const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))? UTC$/.exec(text ?? "");
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}T${m[2]}Z`) / 1000;
  return seconds + (m[3] ? Number(m[3].padEnd(6, "0")) / 1e6 : 0);
}
