import { parse } from "yaml";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../../shared/model/labels.ts";
import type { LogRecord } from "../../../../shared/model/log.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { Entry } from "./entry.ts";
import { stagesSchema } from "./schema.ts";
import { compileStage, compileStages, type LogProcessor } from "./stages.ts";

/** Test helpers: pipelines from YAML text, records from plain objects, metric values by name. */

/** A record with `line`, labels from a plain object, and a time (ns). */
export function record(line: string, labels: Record<string, string> = {}, timeNs = 1n): LogRecord {
  return { timeNs, labels: labelsFromRecord(labels), line, fields: [] };
}

/** Compiles a pipeline from its YAML text, with a registry of its own. */
export function pipeline(yaml: string): { processor: LogProcessor; registry: Registry } {
  const registry = new Registry();
  const config = stagesSchema.parse(parse(yaml));
  return { processor: compileStages(config, { registry, sourceId: "test" }), registry };
}

/** Runs the stages of `yaml` on one record and returns the entry (to see extracted values), or null when dropped. */
export function runEntry(
  yaml: string,
  input: LogRecord,
  registry = new Registry(),
  nowMs = Date.now(),
): Entry | null {
  const config = stagesSchema.parse(parse(yaml));
  const stages = config.map((c, i) => compileStage(c, i, { registry, sourceId: "test" }).stage);
  const entry = new Entry();
  entry.reset(input, nowMs);
  for (const s of stages) if (!s.run(entry)) return null;
  return entry;
}

/** The value of series `name{labels…}` in the registry's exposition, or undefined. */
export function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of registry.render().split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf("}"));
    const pairs = inner.split(",");
    if (wanted.every((w) => pairs.includes(w)))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

/** A MetricWriter that keeps what is written, as `name{a="1",…} value` lines. */
export class RecordingWriter implements MetricWriter {
  readonly families: string[] = [];
  readonly samples: string[] = [];

  family(name: string, type: string): void {
    this.families.push(`${name} ${type}`);
  }

  sample(name: string, labels: readonly string[], value: number): void {
    const pairs: string[] = [];
    for (let i = 0; i < labels.length; i += 2) pairs.push(`${labels[i]}="${labels[i + 1]}"`);
    this.samples.push(`${name}{${pairs.join(",")}} ${value}`);
  }
}
