/** Durations as Prometheus writes them (`5m`, `1h30m`), quick ranges and query steps. */

const UNITS: [string, number][] = [
  ["w", 604_800_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** The quick ranges the time picker offers. */
export const QUICK_RANGES = ["5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "2d", "7d"];

/** Milliseconds of a duration like `1h30m`, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)(ms|[smhdw])/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * UNITS.find(([u]) => u === m[2])![1];
    at = re.lastIndex;
  }
  return text === "" || total === 0 ? undefined : total;
}

/** The shortest duration text for `ms` (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  let rest = Math.max(1, Math.round(ms));
  let out = "";
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** The step of a range query: about 250 points over the range, in whole seconds, as Prometheus's UI. */
export function stepFor(rangeMs: number): number {
  return Math.max(1, Math.floor(rangeMs / 250 / 1000)) * 1000;
}

/**
 * Why the range from `fromText` (at `startMs`) to `toText` (at `endMs`) cannot be shown, or
 * undefined when it can: it must end after it starts.
 */
export function rangeProblem(
  fromText: string,
  toText: string,
  startMs: number,
  endMs: number,
): string | undefined {
  if (endMs > startMs) return undefined;
  const why = endMs === startMs ? "it ends where it starts" : "it ends before it starts";
  return `Cannot show ${fromText} to ${toText}: ${why}`;
}
