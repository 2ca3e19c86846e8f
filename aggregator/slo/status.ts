/**
 * The SLOs in force and where they stand, read back from what they generated: the groups of
 * `slo_files`/`slo_probes` (Sloth's names) give each SLO, its objective, windows and alert
 * rules; one instant query over the recording rules' series gives its error ratios and the
 * budget left. Burn rates are the error ratio over the budget, as `slo:current_burn_rate:ratio`.
 */
import { parseDuration } from "../../shared/time/duration.ts";
import type { GroupEvaluator } from "../rules/eval/group.ts";

/** An instant query's samples, labels as a record (the caller's engine). */
export type SloQuery = (
  expr: string,
) => Promise<{ labels: Record<string, string>; value: number }[]>;

/** A burn rate over one window; undefined without data. */
export interface BurnRate {
  readonly windowMs: number;
  readonly rate: number | undefined;
}

/** One SLO and where it stands. */
export interface SloStatus {
  readonly id: string;
  readonly service: string;
  readonly name: string;
  /** Percent (99.9). */
  readonly objective: number;
  /** The SLO period in ms. */
  readonly windowMs: number;
  /** 1 − the error ratio over the shortest window; undefined without data. */
  readonly sli: number | undefined;
  readonly errorBudgetRemaining: number | undefined;
  readonly burnRates: readonly BurnRate[];
  readonly alerts: readonly { name: string; severity: string; state: string }[];
}

const META = "sloth-slo-meta-recordings-";
const SLI = "sloth-slo-sli-recordings-";
const ALERTS = "sloth-slo-alerts-";
const SERIES =
  '{__name__=~"slo:sli_error:ratio_rate.+|slo:period_error_budget_remaining:ratio", sloth_id!=""}';

/** Every SLO of the rule groups in force (only `service`'s when given), sorted by id. */
export async function sloStatuses(
  groups: readonly GroupEvaluator[],
  query: SloQuery,
  service = "",
): Promise<SloStatus[]> {
  const byName = new Map(groups.map((g) => [g.group.name, g]));
  const metas = groups.filter((g) => g.group.name.startsWith(META));
  const wanted = metas
    .map((g) => g.rules.find((r) => r.rule.name === "sloth_slo_info")?.rule.labels)
    .filter((l) => l !== undefined && (service === "" || l.sloth_service === service));
  if (wanted.length === 0) return [];
  const values = new Map<string, number>();
  for (const s of await query(SERIES)) {
    // Only the SLI series are told apart by window (the budget left carries the period's).
    const name = s.labels.__name__ ?? "";
    const window = name.startsWith("slo:sli_error:") ? (s.labels.sloth_window ?? "") : "";
    values.set(`${s.labels.sloth_id}\xff${name}\xff${window}`, s.value);
  }
  return wanted
    .map((info) => {
      const id = info?.sloth_id ?? "";
      const get = (name: string, window = "") => values.get(`${id}\xff${name}\xff${window}`);
      return status(info ?? {}, byName.get(SLI + id), byName.get(ALERTS + id), get);
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function status(
  info: Readonly<Record<string, string>>,
  sli: GroupEvaluator | undefined,
  alerts: GroupEvaluator | undefined,
  get: (name: string, window?: string) => number | undefined,
): SloStatus {
  const objective = Number(info.sloth_objective);
  const budget = 1 - objective / 100;
  // The SLI group's windows, shortest first; the last one is the period.
  const windows = (sli?.rules ?? [])
    .map((r) => r.rule.labels.sloth_window ?? "")
    .filter((w) => w !== "")
    .map((w) => ({ text: w, ms: parseDuration(w) }))
    .sort((a, b) => a.ms - b.ms);
  const ratio = (w: { text: string }) => get(`slo:sli_error:ratio_rate${w.text}`, w.text);
  const shortest = windows[0] && ratio(windows[0]);
  return {
    id: info.sloth_id ?? "",
    service: info.sloth_service ?? "",
    name: info.sloth_slo ?? "",
    objective,
    windowMs: windows.at(-1)?.ms ?? 0,
    sli: shortest === undefined ? undefined : 1 - shortest,
    errorBudgetRemaining: get("slo:period_error_budget_remaining:ratio"),
    burnRates: windows.map((w) => {
      const r = ratio(w);
      return { windowMs: w.ms, rate: r === undefined ? undefined : r / budget };
    }),
    alerts: (alerts?.rules ?? []).map((r) => ({
      name: r.rule.name,
      severity: r.rule.labels.sloth_severity ?? "",
      state: r.alerting?.state ?? "inactive",
    })),
  };
}
