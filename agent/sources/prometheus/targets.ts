import type { TargetGroup } from "../../../shared/discovery/file_sd.ts";
import { labelsFromEntries } from "../../../shared/model/labels.ts";
import { applyRelabel, type RelabelProgram } from "../../../shared/relabel/relabel.ts";
import { formatDuration, parseDuration } from "../../../shared/time/duration.ts";
import type { ScrapeJob, Target } from "./job.ts";

/**
 * Turns discovered target groups into targets the way Prometheus does: build the initial label
 * set (`__address__`, `__scheme__`, `__metrics_path__`, `__scrape_interval__`,
 * `__scrape_timeout__`, `__param_*`, `job`, group and meta labels), apply relabel_configs,
 * default `instance` to `__address__`, then drop every `__`-prefixed label. As in Prometheus 3,
 * no default port is added: the address stays as configured, in the URL and in `instance`. Targets relabeled
 * away or left without an address are skipped; a bad address is reported through `onError`.
 */
export function buildTargets(
  job: ScrapeJob,
  groups: readonly TargetGroup[],
  program: RelabelProgram,
  onError: (message: string) => void,
): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    for (const address of group.targets) {
      const labels = initialLabels(job, group, address);
      if (!applyRelabel(program, labels)) continue;
      const target = finishTarget(job, labels, onError);
      if (target && !seen.has(target.key)) {
        seen.add(target.key);
        out.push(target);
      }
    }
  }
  return out;
}

function initialLabels(job: ScrapeJob, group: TargetGroup, address: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [k, v] of Object.entries(group.meta ?? {})) labels.set(k, v);
  for (const [k, v] of Object.entries(group.labels)) labels.set(k, v);
  labels.set("__address__", address);
  // The job's settings are defaults: a group's own `__metrics_path__` (a blackbox-style
  // static_configs entry, a file_sd group) wins, as in Prometheus's PopulateLabels.
  const defaults: [string, string][] = [
    ["job", job.job_name],
    ["__scrape_interval__", formatDuration(job.scrape_interval)],
    ["__scrape_timeout__", formatDuration(job.scrape_timeout)],
    ["__metrics_path__", job.metrics_path],
    ["__scheme__", job.scheme],
  ];
  for (const [name, value] of defaults) if (!labels.get(name)) labels.set(name, value);
  for (const [name, values] of Object.entries(job.params)) {
    if (values.length > 0) labels.set(`__param_${name}`, values[0]);
  }
  return labels;
}

/**
 * The target's scrape interval and timeout, ms, from its labels after relabeling (so a
 * relabel rule may give one target its own), checked as Prometheus checks them; a string
 * naming the problem when they are not usable.
 */
function scrapeTiming(labels: Map<string, string>): { interval: number; timeout: number } | string {
  const read = (name: string) => {
    try {
      return parseDuration(labels.get(name) ?? "");
    } catch (error) {
      return `error parsing ${name === "__scrape_interval__" ? "scrape interval" : "scrape timeout"}: ${(error as Error).message}`;
    }
  };
  const interval = read("__scrape_interval__");
  const timeout = read("__scrape_timeout__");
  if (typeof interval === "string") return interval;
  if (typeof timeout === "string") return timeout;
  if (interval === 0) return "scrape interval cannot be 0";
  if (timeout === 0) return "scrape timeout cannot be 0";
  if (timeout > interval)
    return `scrape timeout cannot be greater than scrape interval (${JSON.stringify(formatDuration(timeout))} > ${JSON.stringify(formatDuration(interval))})`;
  return { interval, timeout };
}

function finishTarget(
  job: ScrapeJob,
  labels: Map<string, string>,
  onError: (m: string) => void,
): Target | null {
  const address = labels.get("__address__") ?? "";
  if (address === "") return null;
  if (address.includes("/")) {
    onError(`Cannot use scrape target "${address}": an address must be host:port, not a URL`);
    return null;
  }
  const timing = scrapeTiming(labels);
  if (typeof timing === "string") {
    onError(`Cannot use scrape target "${address}": ${timing}`);
    return null;
  }
  if (!labels.get("instance")) labels.set("instance", address);
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(job.params)) {
    const override = labels.get(`__param_${name}`);
    const list = override !== undefined ? [override, ...values.slice(1)] : values;
    for (const v of list) params.append(name, v);
  }
  for (const [k, v] of labels) {
    if (k.startsWith("__param_") && !(k.slice(8) in job.params)) params.append(k.slice(8), v);
  }
  const scheme = labels.get("__scheme__") || job.scheme;
  let path = labels.get("__metrics_path__") || "/metrics";
  if (!path.startsWith("/")) path = `/${path}`;
  const query = params.toString();
  const url = `${scheme}://${address}${path}${query ? `?${query}` : ""}`;
  try {
    new URL(url);
  } catch {
    onError(`Cannot use scrape target "${address}": "${url}" is not a valid URL`);
    return null;
  }
  const kept = [...labels].filter(([k]) => !k.startsWith("__"));
  const final = labelsFromEntries(kept);
  const key = [job.job_name, url, timing.interval, timing.timeout, ...final].join("\xff");
  return { key, url, labels: final, job, ...timing };
}
