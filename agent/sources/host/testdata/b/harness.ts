import type { MetricType } from "../../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../../pipeline/emitter.ts";
import type { CollectContext, HostFilters } from "../../collector.ts";

/** One sample a collector wrote, with its labels as an object for easy assertions. */
export interface RecordedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The collectors' output sink for tests: records families and samples as written, so a test
 * can look values up by name and labels.
 */
export class RecordingWriter implements MetricWriter {
  readonly families = new Map<string, { type: MetricType; help: string }>();
  readonly samples: RecordedSample[] = [];

  family(name: string, type: MetricType, help: string): void {
    this.families.set(name, { type, help });
  }

  sample(name: string, labels: readonly string[], value: number): void {
    const obj: Record<string, string> = {};
    for (let i = 0; i < labels.length; i += 2)
      if (labels[i + 1] !== "") obj[labels[i]] = labels[i + 1];
    this.samples.push({ name, labels: obj, value });
  }

  /** The value of the one sample of `name` whose labels include `match`, or undefined. */
  value(name: string, match: Record<string, string> = {}): number | undefined {
    const found = this.find(name, match);
    if (found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
    return found[0]?.value;
  }

  /** Samples of `name` whose labels include `match`. */
  find(name: string, match: Record<string, string> = {}): RecordedSample[] {
    return this.samples.filter(
      (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
    );
  }

  /** Sorted distinct names of the samples written. */
  names(): string[] {
    return [...new Set(this.samples.map((s) => s.name))].sort();
  }

  /** Sorted distinct values of label `label` among the samples of `name`. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.find(name).map((s) => s.labels[label] ?? ""))].sort();
  }
}

/** node_exporter 1.5.0's default filters (Debian's mount point default), compiled. */
export function defaultFilters(): HostFilters {
  return {
    mountPointsExclude:
      /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/,
    fsTypesExclude:
      /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/,
    diskDevicesExclude: /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/,
    netDevicesExclude: /^lo$/,
  };
}

/** Folder of this fixture tree. */
export const FIXTURES = import.meta.dir;

/** A context whose /proc, /sys and root live in fixture folder `name` under testdata/b. */
export function fixtureContext(name: string, filters: Partial<HostFilters> = {}): CollectContext {
  const base = `${FIXTURES}/${name}`;
  return {
    paths: { proc: `${base}/proc`, sys: `${base}/sys`, root: `${base}/root` },
    filters: { ...defaultFilters(), ...filters },
    now: 0,
  };
}
