/**
 * Splits a CPU profile (the `.cpuprofile` JSON that `bun --cpu-prof` writes) by area of the
 * code: each sample's time goes to the innermost frame on its stack that belongs to an area
 * (template rendering, the query engine, the head, the catalog, publishing, …), so a native
 * callee (a Map, a sort, a regex) counts for the code that called it. A time window (epoch
 * ms: profiles carry wall-clock microseconds) picks the part of a live process's life that a
 * bench measured, e.g. with rules against without.
 */

/** One node of the profile's call tree. */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

/** The `.cpuprofile` format (Chrome DevTools), as Bun writes it. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** Wall-clock microseconds since the epoch. */
  readonly startTime: number;
  readonly endTime: number;
  /** The leaf node of each sample. */
  readonly samples: readonly number[];
  /** Microseconds from the previous sample (the first: from startTime). */
  readonly timeDeltas: readonly number[];
}

/** An area of the code: the folders (substrings of a frame's URL) it is made of. */
export interface Area {
  readonly name: string;
  readonly paths: readonly string[];
}

/** Where a rule evaluation's CPU can go in the aggregator, most specific first. */
export const AGGREGATOR_AREAS: readonly Area[] = [
  { name: "template", paths: ["/aggregator/template/"] },
  { name: "rules", paths: ["/aggregator/rules/"] },
  { name: "query", paths: ["/aggregator/promql/", "/node_modules/re2js/"] },
  { name: "head", paths: ["/aggregator/storage/head/"] },
  { name: "catalog", paths: ["/aggregator/storage/catalog/", "/aggregator/storage/union.ts"] },
  { name: "storage", paths: ["/aggregator/storage/", "/node_modules/@duckdb/"] },
  { name: "publish_ingest", paths: ["/aggregator/ingest/", "/shared/codec/"] },
  { name: "nats_client", paths: ["/node_modules/nats/"] },
  { name: "self_metrics", paths: ["/shared/metrics/"] },
  { name: "http", paths: ["/aggregator/api/", "/node_modules/hono/", "/shared/http/"] },
  { name: "aggregator_other", paths: ["/aggregator/", "/shared/"] },
];

/** What a sample that no area claims counts as: the runtime's own frames or idle time. */
const IDLE = new Set(["(idle)", "(program)"]);

/** Milliseconds of CPU per area (plus `runtime` for unclaimed frames, `idle` for idle samples). */
export function splitProfile(
  profile: CpuProfile,
  areas: readonly Area[] = AGGREGATOR_AREAS,
  window: { readonly from: number; readonly to: number } = { from: -Infinity, to: Infinity },
): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const areaOf = new Map<number, string>();
  const resolve = (leaf: number): string => {
    const known = areaOf.get(leaf);
    if (known !== undefined) return known;
    let area = IDLE.has(byId.get(leaf)?.callFrame.functionName ?? "") ? "idle" : "runtime";
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const url = byId.get(id)?.callFrame.url ?? "";
      const hit = url && areas.find((a) => a.paths.some((p) => url.includes(p)));
      if (hit) {
        area = hit.name;
        break;
      }
    }
    areaOf.set(leaf, area);
    return area;
  };
  const out = new Map<string, number>();
  const cap = 2 * sampleInterval(profile);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample stands for the time until the next one, up to about one sampling interval: the
    // JS thread is not sampled while it waits for events, so a longer gap is mostly idle.
    const span = Math.min(profile.timeDeltas[i + 1] ?? 0, cap);
    const ms = t / 1000;
    if (ms < window.from || ms >= window.to) continue;
    const area = resolve(profile.samples[i]);
    out.set(area, (out.get(area) ?? 0) + span / 1000);
  }
  return out;
}

/** The profile's sampling interval, µs: the median gap between samples. */
function sampleInterval(profile: CpuProfile): number {
  const deltas = [...profile.timeDeltas].sort((a, b) => a - b);
  return deltas[Math.floor(deltas.length / 2)] ?? 0;
}

/** Reads a `.cpuprofile` file. */
export async function readProfile(path: string): Promise<CpuProfile> {
  return (await Bun.file(path).json()) as CpuProfile;
}

/** A wall-clock window, epoch ms. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

/**
 * Share of a core per area in `ruled` minus that in `base` (the rules' cost by area, as a bench
 * measures with − without), areas of either window included; idle left out.
 */
export function coresAbove(profile: CpuProfile, base: Window, ruled: Window): Map<string, number> {
  const b = splitProfile(profile, AGGREGATOR_AREAS, base);
  const r = splitProfile(profile, AGGREGATOR_AREAS, ruled);
  const out = new Map<string, number>();
  for (const area of new Set([...b.keys(), ...r.keys()])) {
    if (area === "idle") continue;
    const share = (ms: number | undefined, w: Window) => (ms ?? 0) / (w.to - w.from);
    out.set(area, share(r.get(area), ruled) - share(b.get(area), base));
  }
  return out;
}

/** The newest `.cpuprofile` in `dir`, waiting up to `ms` for a stopping process to write it. */
export async function newestProfile(dir: string, ms = 15_000): Promise<string | null> {
  const { readdir, stat } = await import("node:fs/promises");
  const end = performance.now() + ms;
  for (;;) {
    const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
    if (files.length > 0) {
      const times = await Promise.all(files.map(async (f) => (await stat(`${dir}/${f}`)).mtimeMs));
      return `${dir}/${files[times.indexOf(Math.max(...times))]}`;
    }
    if (performance.now() > end) return null;
    await Bun.sleep(250);
  }
}
