/**
 * Turns the team's OpenMetrics generator output (../shared/bench/gen_openmetrics.py: every
 * series with all its timestamps) into successive scrapes of one big target: for each
 * timestamp, the text exposition a 10,000-series exporter would have served at that moment.
 */
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";

const GENERATOR = resolve(import.meta.dir, "../../../shared/bench/gen_openmetrics.py");

/** Generator settings besides the size: sample interval and last time, seconds. */
export interface GenerateOptions {
  readonly stepS?: number;
  readonly endS?: number;
}

/** Runs the generator (cached under bench/.cache) and returns the file path. */
export function generate(
  series: number,
  hours: number,
  seed = 1,
  opts: GenerateOptions = {},
): string {
  const dir = resolve(import.meta.dir, "../.cache");
  mkdirSync(dir, { recursive: true });
  const extra = [
    ...(opts.stepS === undefined ? [] : ["--step", String(opts.stepS)]),
    ...(opts.endS === undefined ? [] : ["--end", String(opts.endS)]),
  ];
  const tag = extra.length === 0 ? "" : `-${opts.stepS ?? 15}s-${opts.endS ?? "end"}`;
  const out = join(dir, `gen-${series}-${hours}-${seed}${tag}.om`);
  if (!Bun.file(out).size) {
    // Written under another name and renamed once whole: an interrupted run must not leave a
    // cut file for the next runs to take (promtool then fails on its missing `# EOF`).
    const partial = `${out}.partial`;
    const r = Bun.spawnSync([
      "python3",
      GENERATOR,
      "--series",
      String(series),
      "--hours",
      String(hours),
      "--seed",
      String(seed),
      ...extra,
      "-o",
      partial,
    ]);
    if (r.exitCode !== 0) throw new Error(`Cannot run ${GENERATOR}: ${r.stderr.toString()}`);
    renameSync(partial, out);
  }
  return out;
}

/**
 * Splits a generated OpenMetrics file into one text-format exposition per timestamp. HELP and
 * TYPE lines are left out: with about ten families against 10,000 series they are noise.
 */
export function scrapesFrom(file: string): { timestampMs: number; body: string }[] {
  const byTs = new Map<string, string[]>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const sp = line.lastIndexOf(" ");
    const ts = line.slice(sp + 1);
    let lines = byTs.get(ts);
    if (!lines) {
      lines = [];
      byTs.set(ts, lines);
    }
    lines.push(line.slice(0, sp));
  }
  return [...byTs].map(([ts, lines]) => ({
    timestampMs: Number(ts) * 1000,
    body: `${lines.join("\n")}\n`,
  }));
}
