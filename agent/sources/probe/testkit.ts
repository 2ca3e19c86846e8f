/**
 * Test helpers shared by the prober tests (tcp, dns, icmp): a MetricWriter that records what a
 * prober wrote, and a comparison with blackbox_exporter's /probe output for the same probe.
 */
import type { MetricWriter } from "../../pipeline/emitter.ts";

/** One recorded or parsed sample; labels as `a="x",b="y"` sorted by name. */
export interface Recorded {
  name: string;
  labels: string;
  value: number;
}

/** A prober's output: families (TYPE and HELP) and samples. */
export interface Output {
  families: Map<string, { type: string; help: string }>;
  samples: Recorded[];
}

/** A MetricWriter that keeps everything written to it. */
export class RecordingWriter implements MetricWriter, Output {
  readonly families = new Map<string, { type: string; help: string }>();
  readonly samples: Recorded[] = [];

  family(name: string, type: string, help: string): void {
    this.families.set(name, { type, help });
  }

  sample(name: string, labels: readonly string[], value: number): void {
    const pairs: string[] = [];
    for (let i = 0; i < labels.length; i += 2) {
      if (labels[i + 1] !== "") pairs.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`);
    }
    this.samples.push({ name, labels: pairs.sort().join(","), value });
  }

  /** The value of one sample, or undefined when it was not written. */
  value(name: string, labels = ""): number | undefined {
    return this.samples.find((s) => s.name === name && s.labels === labels)?.value;
  }
}

/** Parses exposition text (blackbox_exporter's /probe answer). */
export function parseExposition(text: string): Output {
  const out: Output = { families: new Map(), samples: [] };
  for (const line of text.split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const f = out.families.get(meta[2]) ?? { type: "", help: "" };
      if (meta[1] === "HELP") f.help = meta[3];
      else f.type = meta[3];
      out.families.set(meta[2], f);
      continue;
    }
    const m = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? "").match(/[^=,]+="(?:[^"\\]|\\.)*"/g) ?? [];
    out.samples.push({ name: m[1], labels: labels.sort().join(","), value: Number(m[3]) });
  }
  return out;
}

/** Families the runner writes, not the prober. */
const RUNNER = new Set(["probe_success", "probe_duration_seconds"]);

/**
 * Differences between our output and blackbox_exporter's, as readable lines: families (TYPE
 * and HELP), series, and values except of the families in `timed` (durations), which only
 * need to be present.
 */
export function differences(ours: Output, theirs: Output, timed: readonly string[]): string[] {
  const diffs: string[] = [];
  for (const [name, f] of theirs.families) {
    if (RUNNER.has(name)) continue;
    const o = ours.families.get(name);
    if (!o) diffs.push(`missing family ${name}`);
    else if (o.type !== f.type || o.help !== f.help) {
      diffs.push(`family ${name}: ours ${o.type} "${o.help}", theirs ${f.type} "${f.help}"`);
    }
  }
  for (const name of ours.families.keys()) {
    if (!theirs.families.has(name)) diffs.push(`extra family ${name}`);
  }
  const key = (s: Recorded) => `${s.name}{${s.labels}}`;
  const mine = new Map(ours.samples.map((s) => [key(s), s.value]));
  for (const s of theirs.samples) {
    if (RUNNER.has(s.name)) continue;
    const v = mine.get(key(s));
    if (v === undefined) diffs.push(`missing ${key(s)}`);
    else if (!timed.includes(s.name) && v !== s.value)
      diffs.push(`${key(s)}: ours ${v}, theirs ${s.value}`);
    mine.delete(key(s));
  }
  for (const k of mine.keys()) diffs.push(`extra ${k}`);
  return diffs;
}
