import { join } from "node:path";
import { formatSeries, labelsFromRecord } from "../../../shared/model/labels.ts";
import type { MetricType } from "../../../shared/model/sample.ts";
import type { MetricWriter } from "../../pipeline/emitter.ts";
import type { CollectContext, HostCollector, HostPaths } from "./collector.ts";
import { hostFilters, hostSchema, normalizeHostConfig } from "./config.ts";

/** Test helper: a MetricWriter that keeps what it is given, printable as exposition lines. */
export class RecordingWriter implements MetricWriter {
  readonly families = new Map<string, { type: MetricType; help: string }>();
  readonly samples: { name: string; labels: Record<string, string>; value: number }[] = [];

  family(name: string, type: MetricType, help: string): void {
    this.families.set(name, { type, help });
  }

  sample(name: string, labels: readonly string[], value: number): void {
    const record: Record<string, string> = {};
    for (let i = 0; i < labels.length; i += 2)
      if (labels[i + 1] !== "") record[labels[i]] = labels[i + 1];
    this.samples.push({ name, labels: record, value });
  }

  /** Every sample as `name{a="x", b="y"} value` (formatSeries), lines sorted. */
  lines(): string[] {
    return this.samples.map((s) => `${seriesText(s.name, s.labels)} ${s.value}`).sort();
  }

  /** The value of the one sample of `name` with exactly `labels`, or undefined. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const key = seriesText(name, labels);
    return this.samples.find((s) => seriesText(s.name, s.labels) === key)?.value;
  }
}

/** The series as Prometheus prints it (formatSeries), so lines compare with parsed expositions. */
function seriesText(name: string, labels: Record<string, string>): string {
  return formatSeries(labelsFromRecord({ ...labels, __name__: name }));
}

/** The fixture trees of these tests: testdata/a/{proc,sys,root}, copied from a Debian 12 VM. */
export const FIXTURE_PATHS: HostPaths = {
  proc: join(import.meta.dir, "testdata/a/proc"),
  sys: join(import.meta.dir, "testdata/a/sys"),
  root: join(import.meta.dir, "testdata/a/root"),
};

/** A collection context over `paths` with node_exporter's default filters. */
export function fixtureContext(
  paths: HostPaths = FIXTURE_PATHS,
  now = 1_700_000_000_000,
): CollectContext {
  const config = normalizeHostConfig(hostSchema.parse({}), "/", "test");
  return { paths, filters: hostFilters(config), now };
}

/** Runs one collector once over `paths` and returns what it wrote. */
export async function collectWith(
  collector: HostCollector,
  paths: HostPaths = FIXTURE_PATHS,
): Promise<RecordingWriter> {
  const w = new RecordingWriter();
  await collector.collect(w, fixtureContext(paths));
  return w;
}
