/**
 * The packs Outpost ships: for the host and each integration of the agent, a Prometheus rule file
 * (`<name>/rules.yml`, one group `pack:<name>`) and a Grafana classic dashboard
 * (`<name>/dashboard.json`, uid `outpost-pack-<name>`), read from beside this file. A pack is
 * offered once its marker series arrives: the `<prefix>_up` its integration always writes, or for
 * containers and systemd units the family every collection of them writes.
 */
import { join } from "node:path";
import { formatProblem } from "../../shared/config/errors.ts";
import type { DashboardJson } from "../dashboards/model.ts";
import { type RuleFileResult, readRuleFile } from "../rules/file.ts";
import type { PackName } from "./config.ts";

/** One integration pack: where its files are and which series says its integration runs. */
export interface Pack {
  readonly name: PackName;
  /** The series every collection of the integration writes, up or down. */
  readonly marker: string;
}

/** Every shipped pack, in the order they are listed. */
export const PACKS: readonly Pack[] = [
  // The host source's (and node_exporter's) one series per host, on every collection.
  { name: "node", marker: "node_uname_info" },
  { name: "postgres", marker: "pg_up" },
  { name: "redis", marker: "redis_up" },
  { name: "mysql", marker: "mysql_up" },
  { name: "nginx", marker: "nginx_up" },
  { name: "haproxy", marker: "haproxy_up" },
  { name: "apache", marker: "apache_up" },
  { name: "memcached", marker: "memcached_up" },
  { name: "rabbitmq", marker: "rabbitmq_up" },
  { name: "nats", marker: "nats_up" },
  // cAdvisor has no `_up`: its scrape error gauge (0 when collection works) is always written.
  { name: "containers", marker: "container_scrape_error" },
  // node_exporter's systemd collector writes this family only where systemd runs.
  { name: "systemd", marker: "node_systemd_unit_state" },
];

/** The folder pack dashboards are imported into. */
export const PACKS_FOLDER = { uid: "outpost-integrations", title: "Integrations" } as const;

/** The directory of a pack's files. */
export function packDir(name: PackName): string {
  return join(import.meta.dir, name);
}

/** The uid a pack's dashboard is imported under. */
export function packDashboardUid(name: PackName): string {
  return `outpost-pack-${name}`;
}

/** A pack's files, read and checked. */
export interface LoadedPack extends Pack {
  readonly rules: RuleFileResult;
  readonly dashboard: DashboardJson;
}

/** Reads a pack's rule file and dashboard; a problem in either is an error naming the file. */
export async function loadPack(pack: Pack): Promise<LoadedPack> {
  const dir = packDir(pack.name);
  const rules = await readRuleFile(join(dir, "rules.yml"));
  if (rules.problems.length > 0)
    throw new Error(`Cannot load the ${pack.name} pack: ${formatProblem(rules.problems[0])}`);
  const file = join(dir, "dashboard.json");
  let dashboard: DashboardJson;
  try {
    dashboard = JSON.parse(await Bun.file(file).text());
  } catch (error) {
    throw new Error(`Cannot load the ${pack.name} pack: ${file}: ${(error as Error).message}`);
  }
  if (dashboard.uid !== packDashboardUid(pack.name))
    throw new Error(
      `Cannot load the ${pack.name} pack: ${file}: uid must be "${packDashboardUid(pack.name)}"`,
    );
  return { ...pack, rules, dashboard };
}
