/** The Uptime page's figures for people: targets in the URL, SLAs, ages, certificate expiry. */
import { TargetState } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import type { LabelPair } from "./labels.ts";

/** A day in ms. */
export const DAY_MS = 86_400_000;
/** The list's SLA windows: 24 h, 7 d, 30 d. */
export const LIST_WINDOWS_MS = [DAY_MS, 7 * DAY_MS, 30 * DAY_MS];
/** The detail's SLA windows: the list's, then 90 d and 1 y. */
export const DETAIL_WINDOWS_MS = [...LIST_WINDOWS_MS, 90 * DAY_MS, 365 * DAY_MS];

/** `{instance="…", job="…"}`: a target's labels as the URL's `target` parameter holds them. */
export function writeTarget(labels: readonly LabelPair[]): string {
  return `{${labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ")}}`;
}

/** The labels of a `target` parameter; undefined when it is not `{name="value", …}`. */
export function readTarget(text: string): LabelPair[] | undefined {
  const m = /^\{(.*)\}$/s.exec(text.trim());
  if (m === null) return undefined;
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  const out: LabelPair[] = [];
  while (pair.lastIndex < m[1].length) {
    const p = pair.exec(m[1]);
    if (p === null) return undefined;
    out.push({ name: p[1], value: JSON.parse(`"${p[2]}"`) as string });
  }
  return out.length === 0 ? undefined : out;
}

/** An SLA ratio as a percentage (`99.950%` with 3 decimals); "—" when the window has no sample. */
export function formatSla(ratio: number, decimals = 3): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(decimals)}%` : "—";
}

/** Where the chosen SLA decimals are kept, and their bounds. */
export const SLA_DECIMALS = { key: "outpost-sla-decimals", min: 2, max: 5, fallback: 3 };

/** The SLA decimals a stored value asks for: 2–5, else the default 3. */
export function readSlaDecimals(stored: string | null): number {
  const n = Number(stored);
  return Number.isInteger(n) && n >= SLA_DECIMALS.min && n <= SLA_DECIMALS.max && stored !== null
    ? n
    : SLA_DECIMALS.fallback;
}

/** A window's name: `24h`, `7d`, `1y`. */
export function windowName(ms: number): string {
  if (ms === 365 * DAY_MS) return "1y";
  if (ms % DAY_MS === 0 && ms !== DAY_MS) return `${ms / DAY_MS}d`;
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1000}s`;
}

/** A duration for people, its two largest units: `3d 4h`, `2m 5s`, `850ms`. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const units: [string, number][] = [
    ["d", DAY_MS],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.join(" ");
}

/** How long before `nowMs` a check was: `12s ago`; "never" for 0. */
export function ago(ms: number, nowMs: number): string {
  if (ms === 0) return "never";
  return nowMs - ms < 1000 ? "just now" : `${humanDuration(nowMs - ms)} ago`;
}

/** A response time in seconds as ms (`123 ms`); "—" when there is none. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "—";
  return s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 2 : 0)} ms` : `${s.toFixed(2)} s`;
}

/** A certificate's expiry: whole days left and the colour it warrants (red under 3, amber under 14). */
export function certExpiry(
  expiryMs: number,
  nowMs: number,
): { text: string; color: string | undefined } | undefined {
  if (expiryMs === 0) return undefined;
  const days = Math.floor((expiryMs - nowMs) / DAY_MS);
  const left = expiryMs - nowMs;
  const text =
    left <= 0 ? `expired ${humanDuration(-left)} ago` : days === 1 ? "1 day" : `${days} days`;
  const color = left < 3 * DAY_MS ? "red" : left < 14 * DAY_MS ? "orange" : undefined;
  return { text, color };
}

/** The order of states in the list: down first, then unknown, then up. */
export function stateRank(state: "up" | "down" | "unknown"): number {
  return state === "down" ? 0 : state === "unknown" ? 1 : 2;
}

/** A state as the page names it. */
export function stateName(state: TargetState): "up" | "down" | "unknown" {
  return state === TargetState.UP ? "up" : state === TargetState.DOWN ? "down" : "unknown";
}
