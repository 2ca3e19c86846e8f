/**
 * `info(v, {selector})` (experimental in Prometheus 3): adds to each series of `v` the data
 * labels of the info series that share its identifying labels (`instance`, `job`), as of the
 * time its samples were read. The selector's `__name__` matchers say which info metrics
 * (`target_info` when it has none, any `*_info` when it has only negative ones); its other
 * matchers both filter the info series and name the labels to add (all of them otherwise).
 * Rules learnt from Prometheus's info.test:
 * - a series of an info metric itself passes unchanged;
 * - of several series of one info metric at a step, the one with the latest sample wins;
 * - a label the series already has is not overwritten; two info metrics giving one label
 *   different values is an error;
 * - at a step where no info series matches, the series passes unchanged if every data
 *   matcher accepts the empty value, and is dropped at that step otherwise.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { compileMatchers } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import type { Call, Expr, VectorSelector } from "../parser/ast.ts";
import { PromQLError } from "../value.ts";
import { put, SeriesCollector } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import type { SelectedSeries } from "./data.ts";
import { evalVector, internal } from "./eval.ts";
import { get, NAME, setLabel } from "./labelset.ts";
import { atTime, type QueryTimes, referenceTimes } from "./timing.ts";
import type { StepSeries } from "./types.ts";

/** The labels that tie a series to its info series. */
const IDENTIFYING = ["instance", "job"];

/** The selector info() reads its info series with, made once per call. */
const selectors = new WeakMap<Call, VectorSelector>();

/** The info series selector of an `info()` call: its `__name__` matchers, defaults applied. */
export function infoSelector(call: Call): VectorSelector {
  let sel = selectors.get(call);
  if (sel === undefined) {
    const given = call.args[1]?.type === "VectorSelector" ? call.args[1].matchers : [];
    sel = {
      type: "VectorSelector",
      name: "",
      matchers: nameMatchers(given),
      offset: 0,
      at: null,
      span: call.span,
    };
    selectors.set(call, sel);
  }
  return sel;
}

function nameMatchers(given: readonly LabelMatcher[]): LabelMatcher[] {
  const names = given.filter((m) => m.name === NAME);
  if (names.length === 0) return [{ name: NAME, type: "=", value: "target_info" }];
  if (names.every((m) => m.type === "!=" || m.type === "!~")) {
    return [...names, { name: NAME, type: "=~", value: ".+_info" }];
  }
  return names;
}

/**
 * When the samples of `e` are read at step time `t`: `(@ or t) - offset`, through the `@` and
 * offsets of the selectors and subqueries on its way down, as Prometheus matches info series
 * "as of" the base series' samples.
 */
export function readTime(e: Expr, times: QueryTimes): { pinned: number | null; offset: number } {
  let pinned: number | null = null;
  let offset = 0;
  const apply = (at: number | null, off: number) => {
    if (at !== null) {
      pinned = at;
      offset = off;
    } else offset += off;
  };
  for (let node: Expr | undefined = e; node !== undefined; ) {
    switch (node.type) {
      case "VectorSelector":
        apply(atTime(node.at, times), node.offset);
        return { pinned, offset };
      case "MatrixSelector":
        node = node.vector;
        break;
      case "SubqueryExpr":
        apply(atTime(node.at, times), node.offset);
        node = node.expr;
        break;
      case "ParenExpr":
      case "UnaryExpr":
      case "AggregateExpr":
        node = node.expr;
        break;
      case "Call":
        node = node.args.find((a) => vectorLike(a));
        break;
      default:
        return { pinned, offset };
    }
  }
  return { pinned, offset };
}

function vectorLike(e: Expr): boolean {
  return e.type !== "NumberLiteral" && e.type !== "StringLiteral";
}

/** An info series ready for matching. */
interface InfoSeries {
  readonly series: SelectedSeries;
  readonly name: string;
  /** The labels it can add: data labels, in label order. */
  readonly data: Labels;
}

/** Evaluates `info(v, {selector})`. */
export async function evalInfo(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const base = await evalVector(ctx, e.args[0]);
  const selector = infoSelector(e);
  const all = ctx.data.get(selector);
  if (all === undefined) throw internal("info series were not read");
  const given = e.args[1]?.type === "VectorSelector" ? e.args[1].matchers : [];
  const data = given.filter((m) => m.name !== NAME);
  const isInfo = compileMatchers(selector.matchers);
  const accepts = compileMatchers(data);
  // With data matchers, only the labels they name are added.
  const wanted = data.length > 0 ? new Set(data.map((m) => m.name)) : null;
  const acceptsEmpty = data.every((m) => compileMatchers([m])([]));
  const byIdentity = new Map<string, InfoSeries[]>();
  for (const s of all) {
    if (!accepts(s.labels)) continue;
    const key = identity(s.labels);
    const list = byIdentity.get(key) ?? [];
    list.push({ series: s, name: s.metricName, data: dataLabels(s.labels, wanted) });
    byIdentity.set(key, list);
  }
  const { pinned, offset } = readTime(e.args[0], ctx.times);
  const refs = referenceTimes(ctx.grid, offset, pinned);
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  for (const s of base) {
    if (isInfo(s.labels)) {
      out.add(s.labels, s.values, s.present, s.dropName);
      continue;
    }
    const candidates = byIdentity.get(identity(s.labels)) ?? [];
    // The output series of the info series found at the step before: mostly the same ones.
    let last: InfoSeries[] = [];
    let slot: StepSeries | null = null;
    const next = new Int32Array(candidates.length);
    for (let i = 0; i < ctx.grid.n; i++) {
      if (!s.present[i]) continue;
      const found = current(candidates, next, refs[i], ctx.lookback);
      if (found.length === 0 && !acceptsEmpty) continue;
      if (slot === null || !sameSeries(found, last)) {
        slot = out.slot(enrich(s.labels, found), s.dropName);
        last = [...found];
      }
      put(slot, i, s.values[i]);
    }
  }
  return out.finish();
}

function identity(labels: Labels): string {
  return IDENTIFYING.map((n) => get(labels, n)).join("\xff");
}

function dataLabels(labels: Labels, wanted: Set<string> | null): Labels {
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    const name = labels[i];
    if (name === NAME || IDENTIFYING.includes(name)) continue;
    if (wanted !== null && !wanted.has(name)) continue;
    out.push(name, labels[i + 1]);
  }
  return out;
}

/**
 * The info series with a sample in `(ref - lookback, ref]` that is not a staleness marker,
 * one per info metric: the one whose sample is latest. `next[k]` is where candidate k's
 * search starts: references only grow from step to step, so the search only moves on.
 */
function current(
  candidates: readonly InfoSeries[],
  next: Int32Array,
  ref: number,
  lookback: number,
): InfoSeries[] {
  // Scratch, reused from step to step: callers copy what they keep.
  found.length = 0;
  times.length = 0;
  for (let c = 0; c < candidates.length; c++) {
    const info = candidates[c];
    const s = info.series;
    let j = next[c];
    while (j < s.ts.length && s.ts[j] <= ref) j++;
    next[c] = j;
    j--;
    if (j < 0 || s.ts[j] <= ref - lookback || s.isStale(j)) continue;
    // Info metrics are few: a linear search for the same name beats a map per step.
    let k = 0;
    while (k < found.length && found[k].name !== info.name) k++;
    if (k === found.length) {
      found.push(info);
      times.push(s.ts[j]);
    } else if (s.ts[j] > times[k]) {
      found[k] = info;
      times[k] = s.ts[j];
    }
  }
  return found;
}

const found: InfoSeries[] = [];
const times: number[] = [];

function sameSeries(a: readonly InfoSeries[], b: readonly InfoSeries[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** `labels` with the data labels of `found` it does not have yet. */
function enrich(labels: Labels, found: readonly InfoSeries[]): Labels {
  let out = labels;
  const from = new Map<string, InfoSeries>();
  for (const info of found) {
    for (let k = 0; k < info.data.length; k += 2) {
      const name = info.data[k];
      const value = info.data[k + 1];
      if (get(labels, name) !== "") continue;
      const other = from.get(name);
      if (other !== undefined) {
        if (get(other.data, name) !== value) conflict(name, other, info);
        continue;
      }
      from.set(name, info);
      out = setLabel(out, name, value);
    }
  }
  return out;
}

function conflict(name: string, a: InfoSeries, b: InfoSeries): never {
  throw new PromQLError(
    "execution",
    `conflicting label: ${name} is ${JSON.stringify(get(a.data, name))} in ${a.name} and ${JSON.stringify(get(b.data, name))} in ${b.name}`,
  );
}
