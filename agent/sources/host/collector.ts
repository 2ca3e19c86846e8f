import type { MetricWriter } from "../../pipeline/emitter.ts";

/** Where the host's kernel interfaces are mounted; tests point these at fixture trees. */
export interface HostPaths {
  /** procfs mount, `/proc` by default. */
  proc: string;
  /** sysfs mount, `/sys` by default. */
  sys: string;
  /** Root of the host's file system, `/` by default (statfs of mount points goes through it). */
  root: string;
}

/** A name filter: true for the names it matches. */
export interface NameFilter {
  test(name: string): boolean;
}

/** Settings of the collectors that filter what they report (node_exporter's flags). */
export interface HostFilters {
  /** Mount points the filesystem collector skips (an RE2 search, as node_exporter's). */
  mountPointsExclude: NameFilter;
  /** File system types the filesystem collector skips. */
  fsTypesExclude: NameFilter;
  /** Block devices the diskstats collector skips. */
  diskDevicesExclude: NameFilter;
  /** Network devices the netdev collector skips. */
  netDevicesExclude: NameFilter;
}

/** What a collector gets on every collection. */
export interface CollectContext {
  paths: HostPaths;
  filters: HostFilters;
  /** Collection time in ms since the epoch. */
  now: number;
}

/**
 * One host collector, named and behaving as node_exporter's collector of the same name: it
 * reads /proc or /sys and writes node_exporter's metric families. A collector that cannot read
 * its source throws; the source counts the error, logs it once and carries on with the others.
 */
export interface HostCollector {
  /** node_exporter's collector name (`cpu`, `meminfo`, …), used in config and self-metrics. */
  readonly name: string;
  collect(w: MetricWriter, ctx: CollectContext): void | Promise<void>;
}
