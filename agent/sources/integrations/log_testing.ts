import { Registry } from "../../../shared/metrics/registry.ts";
import { compileStages } from "../file/stages/stages.ts";
import { record } from "../file/stages/testing.ts";
import type { ServiceLogSource } from "./service_logs.ts";

/** One processed line as the service log tests compare it. */
export interface Parsed {
  level: string | undefined;
  fields: Record<string, string>;
  timeNs: bigint;
}

/** Runs `lines` through a service log source's stages (the log parsers' tests use it). */
export function parseLines(source: ServiceLogSource, lines: readonly string[]): Parsed[] {
  const p = compileStages(source.stages, { registry: new Registry(), sourceId: "t" });
  return p.process(lines.map((l) => record(l, { ...source.labels }))).map((r) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < r.fields.length; i += 2) fields[r.fields[i]] = r.fields[i + 1];
    let level: string | undefined;
    for (let i = 0; i < r.labels.length; i += 2)
      if (r.labels[i] === "level") level = r.labels[i + 1];
    return { level, fields, timeNs: r.timeNs };
  });
}
