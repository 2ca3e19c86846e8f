/**
 * The public status page's answer: for each configured row, its state, SLA per window and
 * latest response time, computed by probeTargets (so an SLA is the uptime API's) and stripped
 * of every label. A row chosen by a selector pools its targets: its SLA is
 * `avg_over_time(probe_success{<selector>}[w])` over all their probes together.
 */
import type { StatusPageConfig } from "./status_config.ts";
import {
  probeTargets,
  type TargetState,
  type TargetStatus,
  type UptimeQueries,
} from "./targets.ts";

/** One row as the page shows it: nothing but the configured name and figures. */
export interface StatusRow {
  readonly name: string;
  readonly state: TargetState;
  /** Per configured window, the share of successful probes (null without probes). */
  readonly sla: readonly { window_ms: number; ratio: number | null }[];
  /** The latest response time in seconds; null when none. */
  readonly response_seconds: number | null;
  /** 0 when never checked. */
  readonly last_check_ms: number;
}

/** The whole answer of `/status.json`. */
export interface StatusAnswer {
  readonly title: string;
  readonly decimals: number;
  readonly time_ms: number;
  readonly rows: readonly StatusRow[];
}

/** The matchers (inside of the braces) a configured target stands for. */
export function targetMatchers(target: string): string {
  const t = target.trim();
  if (!t.startsWith("{")) return `instance=${JSON.stringify(target)}`;
  return t.slice(1, -1);
}

/** Computes the page's rows at `timeMs`, the rows' queries in parallel. */
export async function statusAnswer(
  q: UptimeQueries,
  config: StatusPageConfig,
  timeMs: number,
): Promise<StatusAnswer> {
  const rows = await Promise.all(
    config.targets.map(async (t) => {
      const found = await probeTargets(q, {
        matchers: targetMatchers(t.target),
        windowsMs: config.windows,
        timeMs,
        stalenessMs: 0,
      });
      return pooled(t.name ?? t.target, config.windows, found);
    }),
  );
  return { title: config.title, decimals: config.decimals, time_ms: timeMs, rows };
}

/** One row from the targets it stands for: down if any is, up only if all are. */
function pooled(name: string, windows: readonly number[], found: TargetStatus[]): StatusRow {
  const states = new Set(found.map((f) => f.state));
  const state: TargetState = states.has("down")
    ? "down"
    : states.size === 1 && states.has("up")
      ? "up"
      : "unknown";
  const sla = windows.map((w, i) => {
    let ok = 0;
    let n = 0;
    for (const f of found) {
      const s = f.sla[i];
      if (s.samples > 0 && !Number.isNaN(s.ratio)) {
        ok += s.ratio * s.samples;
        n += s.samples;
      }
    }
    // One target: its ratio as the engine computed it, not ok / n rounded differently.
    const ratio = n === 0 ? null : found.length === 1 ? found[0].sla[i].ratio : ok / n;
    return { window_ms: w, ratio };
  });
  const durations = found.map((f) => f.lastDurationSeconds).filter((d) => !Number.isNaN(d));
  return {
    name,
    state,
    sla,
    response_seconds: durations.length === 0 ? null : Math.max(...durations),
    last_check_ms: Math.max(0, ...found.map((f) => f.lastCheckMs)),
  };
}
