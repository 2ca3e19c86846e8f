/**
 * The Alertmanagers of a set from its discovered target groups, as Prometheus finds them: each
 * target's labels (`__meta_*`, the group's labels, `__address__`, then the set's `__scheme__`
 * and `__alerts_path__`, which a group's own labels do not override) go through the set's
 * `relabel_configs`; what is left makes the push URL `<__scheme__>://<__address__><__alerts_path__>`.
 */
import type { TargetGroup } from "../../shared/discovery/file_sd.ts";
import { applyRelabel, type RelabelProgram } from "../../shared/relabel/relabel.ts";

/** The push URLs of a set's Alertmanagers: those to send to, and those relabeled away. */
export interface DiscoveredAlertmanagers {
  readonly active: readonly string[];
  /** Each built from the labels before relabeling, as Prometheus lists them. */
  readonly dropped: readonly string[];
}

/** What the set contributes before relabeling. */
export interface SetDefaults {
  readonly scheme: string;
  readonly alertsPath: string;
}

/**
 * The set's Alertmanagers from `groups`, each URL once. A target whose address is left empty
 * is dropped; one whose labels make no usable URL is reported through `onError` and skipped.
 */
export function alertmanagersFromGroups(
  set: SetDefaults,
  program: RelabelProgram,
  groups: readonly TargetGroup[],
  onError: (message: string) => void,
): DiscoveredAlertmanagers {
  const active = new Set<string>();
  const dropped = new Set<string>();
  for (const group of groups) {
    for (const address of group.targets) {
      const labels = initialLabels(set, group, address);
      const before = pushURL(labels);
      if (!applyRelabel(program, labels) || !labels.get("__address__")) {
        dropped.add(before);
        continue;
      }
      const url = usableURL(labels, onError);
      if (url !== null) active.add(url);
    }
  }
  return { active: [...active], dropped: [...dropped] };
}

function initialLabels(set: SetDefaults, group: TargetGroup, address: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [k, v] of Object.entries(group.meta ?? {})) labels.set(k, v);
  for (const [k, v] of Object.entries(group.labels)) labels.set(k, v);
  labels.set("__address__", address);
  labels.set("__scheme__", set.scheme);
  labels.set("__alerts_path__", set.alertsPath);
  return labels;
}

/** `<__scheme__>://<__address__><__alerts_path__>`, the path given its leading slash. */
function pushURL(labels: Map<string, string>): string {
  const path = labels.get("__alerts_path__") ?? "";
  const slash = path.startsWith("/") ? "" : "/";
  return `${labels.get("__scheme__") ?? ""}://${labels.get("__address__") ?? ""}${slash}${path}`;
}

/** The push URL, or null (reported) when the relabeled labels make none to push to. */
function usableURL(labels: Map<string, string>, onError: (message: string) => void): string | null {
  const address = labels.get("__address__") ?? "";
  const scheme = labels.get("__scheme__") ?? "";
  const url = pushURL(labels);
  const fail = (why: string) => {
    onError(`Cannot use Alertmanager "${address}": ${why}`);
    return null;
  };
  if (address.includes("/")) return fail("an address must be host:port, not a URL");
  if (scheme !== "http" && scheme !== "https")
    return fail(`__scheme__ must be http or https, not "${scheme}"`);
  try {
    new URL(url);
  } catch {
    return fail(`"${url}" is not a valid URL`);
  }
  return url;
}
