/**
 * Evaluation lag of rule groups, read from a server's own /metrics polled more often than the
 * groups run: each change of a group's last-evaluation gauge is one evaluation. Lag is its
 * completion − its scheduled tick; duration is the evaluation's own time.
 *
 * Prometheus 2.42 gives the evaluation's start (wall clock) and duration; its tick is the
 * start brought back to the group's slot: an offset within the interval from the xxHash64 of
 * the labels `file` and `name` (rules/manager.go, `EvalTimestamp`). Outpost gives the tick itself
 * (`outpost_rule_group_last_evaluation_timestamp_seconds`, with no query offset), how late the
 * evaluation started after it, and the duration.
 */

/** One evaluation of one group. */
export interface Evaluation {
  readonly group: string;
  /** Seconds from the scheduled tick to the evaluation's end. */
  readonly lag: number;
  /** Seconds the evaluation took. */
  readonly duration: number;
}

/** Values of one metric by its `rule_group` label, from Prometheus text. */
export function byGroup(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const prefix = `${name}{rule_group="`;
  for (const line of text.split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const end = line.indexOf('"', prefix.length);
    out.set(line.slice(prefix.length, end), Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return out;
}

/** Sum of every series of `name` (unlabelled or labelled). */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  return sum;
}

/** Prometheus 2.42's slot of a group within its interval, ms (`g.hash() % interval`). */
export function prometheusGroupOffsetMs(file: string, name: string, intervalMs: number): number {
  const enc = new TextEncoder();
  const parts = ["file", file, "name", name].map((s) => enc.encode(s));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    bytes[at + p.length] = 0xff; // labels.Hash's separator after every name and value
    at += p.length + 1;
  }
  const hash = BigInt.asUintN(64, BigInt(Bun.hash.xxHash64(bytes)));
  return Number(hash % BigInt(intervalMs * 1_000_000)) / 1_000_000;
}

/** The latest tick at or before `ms` of a group at `offsetMs` within `intervalMs`. */
export function tickBefore(ms: number, intervalMs: number, offsetMs: number): number {
  const shifted = ms - offsetMs;
  return shifted - (((shifted % intervalMs) + intervalMs) % intervalMs) + offsetMs;
}

/** Turns one /metrics text into the evaluations it shows that `seen` did not. */
export type Reader = (text: string, seen: Map<string, number>) => Evaluation[];

/** Reads Prometheus's `prometheus_rule_group_*` gauges. */
export function prometheusReader(intervalMs: number): Reader {
  return (text, seen) => {
    const starts = byGroup(text, "prometheus_rule_group_last_evaluation_timestamp_seconds");
    const durations = byGroup(text, "prometheus_rule_group_last_duration_seconds");
    const out: Evaluation[] = [];
    for (const [group, start] of starts) {
      if (start <= 0 || seen.get(group) === start) continue;
      seen.set(group, start);
      const sep = group.lastIndexOf(";");
      const offset = prometheusGroupOffsetMs(group.slice(0, sep), group.slice(sep + 1), intervalMs);
      const duration = durations.get(group) ?? Number.NaN;
      const tick = tickBefore(start * 1000, intervalMs, offset);
      out.push({ group, duration, lag: start - tick / 1000 + duration });
    }
    return out;
  };
}

/** Reads Outpost's `outpost_rule_group_*` gauges. */
export const outpostReader: Reader = (text, seen) => {
  const ticks = byGroup(text, "outpost_rule_group_last_evaluation_timestamp_seconds");
  const late = byGroup(text, "outpost_rule_group_last_evaluation_lag_seconds");
  const durations = byGroup(text, "outpost_rule_group_last_duration_seconds");
  const out: Evaluation[] = [];
  for (const [group, tick] of ticks) {
    if (tick <= 0 || seen.get(group) === tick) continue;
    seen.set(group, tick);
    const duration = durations.get(group) ?? Number.NaN;
    out.push({ group, duration, lag: (late.get(group) ?? Number.NaN) + duration });
  }
  return out;
};

/**
 * Polls `url` every `everyMs` (a third of the groups' interval: every evaluation is seen, and the
 * polling costs the server little) until stopped; collects the evaluations seen after the first.
 */
export function watchEvaluations(url: string, read: Reader, everyMs = 5_000) {
  const seen = new Map<string, number>();
  const evaluations: Evaluation[] = [];
  let first = true;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const text = await fetch(`${url}/metrics`).then(
        (r) => r.text(),
        () => "",
      );
      const found = read(text, seen);
      // What the first poll finds was evaluated before the window.
      if (!first) evaluations.push(...found);
      first = false;
      await Bun.sleep(everyMs);
    }
  })();
  return {
    evaluations,
    async stop(): Promise<Evaluation[]> {
      stopped = true;
      await loop;
      return evaluations;
    },
  };
}

/** Rank `q` of `xs` (0..1), nearest rank; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
