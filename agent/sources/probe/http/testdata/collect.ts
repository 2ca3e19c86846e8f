import type { MetricType } from "../../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../../pipeline/emitter.ts";
import { httpProbeSchema } from "../config.ts";
import { probeHttp } from "../http.ts";

/** A MetricWriter that keeps what a probe wrote, keyed `name{l="v",…}` like the exposition format. */
export class Collected implements MetricWriter {
  readonly families = new Map<string, { type: MetricType; help: string }>();
  readonly values = new Map<string, number>();
  /** Samples written twice in one probe (the pipeline would drop them). */
  readonly duplicates: string[] = [];

  family(name: string, type: MetricType, help: string): void {
    this.families.set(name, { type, help });
  }

  sample(name: string, labels: readonly string[], value: number): void {
    const pairs: string[] = [];
    for (let i = 0; i < labels.length; i += 2) pairs.push(`${labels[i]}="${labels[i + 1]}"`);
    const key = pairs.length > 0 ? `${name}{${pairs.join(",")}}` : name;
    if (this.values.has(key)) this.duplicates.push(key);
    this.values.set(key, value);
  }

  /** The value of a series without labels or with the given `l="v"` text. */
  get(name: string, labels = ""): number | undefined {
    return this.values.get(labels ? `${name}{${labels}}` : name);
  }

  /** Names of the families that have samples. */
  names(): string[] {
    return [...new Set([...this.values.keys()].map((k) => k.replace(/\{.*/, "")))].sort();
  }
}

/** What one probe run gave. */
export interface ProbeRun {
  success: boolean;
  m: Collected;
  /** Debug messages with their `err`, e.g. "Error for HTTP request: connection refused". */
  logs: string[];
}

/** Runs the http prober once on `target` with a module section (defaults applied, ip4 preferred). */
export async function runProbe(
  target: string,
  section: Record<string, unknown> = {},
  signal: AbortSignal = AbortSignal.timeout(5000),
): Promise<ProbeRun> {
  const config = httpProbeSchema.parse({ preferred_ip_protocol: "ip4", ...section });
  const m = new Collected();
  const logs: string[] = [];
  const note = (msg: string, fields?: Record<string, unknown>) =>
    logs.push(fields?.err === undefined ? msg : `${msg}: ${fields.err}`);
  const log = { debug: note, info: note, warn: note, error: note };
  const success = await probeHttp({ target, config, w: m, signal, log });
  return { success, m, logs };
}
