/**
 * Reads the series of the range calls planned onto rollups (plan.ts): rollup rows where the
 * querier's rollups cover the hours, raw samples folded into rows for the rest (the head,
 * hours not yet rolled up), and at `auto` resolution the raw samples of any series whose rows
 * cannot give the exact answer (kernels.ts `exactRows`), which are then evaluated raw.
 */
import type { Labels } from "../../../../shared/model/labels.ts";
import { compareLabels } from "../../../../shared/model/labels.ts";
import type { Querier, TimeRange } from "../../../storage/storage.ts";
import type { VectorSelector } from "../../parser/ast.ts";
import { SelectedSeries } from "../data.ts";
import { get, labelsKey, NAME } from "../labelset.ts";
import { exactRows, ROW_FIELDS } from "./kernels.ts";
import type { RollupPlan } from "./plan.ts";
import { mergeRows, type Rows, rowsFromSamples } from "./rows.ts";

/** One series of a rollup read: its rows, or its raw samples where rows are not exact. */
export interface RollupSeries {
  readonly labels: Labels;
  readonly metricName: string;
  readonly rows: Rows;
  readonly raw: SelectedSeries | null;
}

/** What a planned range call evaluates over. */
export interface RollupInput {
  readonly plan: RollupPlan;
  /** Sorted by labels. */
  readonly series: readonly RollupSeries[];
}

/**
 * Reads every plan whose hours the querier's rollups cover, at least in part. Plans left out
 * of the answer (no rollups there, or a querier without them) are read raw by the caller.
 */
export async function fetchRollups(
  querier: Querier,
  plans: ReadonlyMap<VectorSelector, RollupPlan>,
  ranges: ReadonlyMap<VectorSelector, TimeRange>,
): Promise<Map<VectorSelector, RollupInput>> {
  const out = new Map<VectorSelector, RollupInput>();
  if (!querier.rollups) return out;
  await Promise.all(
    [...plans].map(async ([sel, plan]) => {
      const range = ranges.get(sel);
      if (range === undefined) return;
      const input = await fetchOne(querier, plan, range);
      if (input !== null) out.set(sel, input);
    }),
  );
  return out;
}

/** The plan's read at its step, else at the first of its fallbacks whose rollups cover some. */
async function fetchOne(
  querier: Querier,
  planned: RollupPlan,
  range: TimeRange,
): Promise<RollupInput | null> {
  for (const stepMs of [planned.stepMs, ...planned.fallbacks]) {
    const input = await fetchAt(querier, { ...planned, stepMs, fallbacks: [] }, range);
    if (input !== null) return input;
  }
  return null;
}

async function fetchAt(
  querier: Querier,
  plan: RollupPlan,
  range: TimeRange,
): Promise<RollupInput | null> {
  const { matchers } = plan.matrix.vector;
  // A chosen resolution moves windows back to the step: their first row may start earlier.
  const wide = plan.exact ? range : { start: range.start - plan.stepMs, end: range.end };
  // At `auto`, rollups no fewer than the raw samples would only cost more (rollup_cover.ts).
  const read = await (querier.rollups as NonNullable<Querier["rollups"]>)(
    matchers,
    wide,
    plan.stepMs,
    { onlyIfFewer: plan.exact, fields: ROW_FIELDS[plan.func] },
  );
  if (read.covered === null) return null;
  const byKey = new Map<string, { labels: Labels; rows: Rows }>();
  for (const s of read.series) byKey.set(labelsKey(s.labels), { labels: s.labels, rows: s });
  const { start, end } = read.covered;
  for (const part of [
    { start: wide.start, end: start - 1 },
    { start: end + 1, end: wide.end },
  ]) {
    if (part.start > part.end) continue;
    for (const s of await querier.select(matchers, part)) {
      const { ts, vs } = new SelectedSeries(s).rangeSamples();
      const rows = rowsFromSamples(ts, vs, plan.stepMs);
      const key = labelsKey(s.labels);
      const had = byKey.get(key);
      byKey.set(key, { labels: s.labels, rows: had ? mergeRows(had.rows, rows) : rows });
    }
  }
  const inexact = new Set(
    [...byKey.values()].filter(
      (s) => plan.exact && !exactRows(plan.func, s.rows, plan.matrix.range),
    ),
  );
  const raw = inexact.size > 0 ? await rawByKey(querier, plan, range) : new Map();
  const series = [...byKey.values()]
    .filter((s) => s.rows.length > 0)
    .sort((a, b) => compareLabels(a.labels, b.labels))
    .map(
      (s): RollupSeries => ({
        labels: s.labels,
        metricName: get(s.labels, NAME),
        rows: s.rows,
        raw: inexact.has(s) ? (raw.get(labelsKey(s.labels)) ?? null) : null,
      }),
    );
  return { plan, series };
}

async function rawByKey(
  querier: Querier,
  plan: RollupPlan,
  range: TimeRange,
): Promise<Map<string, SelectedSeries>> {
  const out = new Map<string, SelectedSeries>();
  for (const s of await querier.select(plan.matrix.vector.matchers, range)) {
    out.set(labelsKey(s.labels), new SelectedSeries(s));
  }
  return out;
}
