/**
 * `label_replace` and `label_join`: they rewrite label sets and leave values alone, so they
 * work per series, not per step. Series whose labels become equal merge when they never hold
 * a value at the same step, as Prometheus's `mergeSeriesWithSameLabelset` does.
 */

import { isValidLabelName } from "../../../shared/model/labels.ts";
import { expandTemplate } from "../../../shared/regex/expand.ts";
import { compileRegex, type Regex } from "../../../shared/regex/regex.ts";
import type { Call } from "../parser/ast.ts";
import { PromQLError } from "../value.ts";
import { mergeSameLabels } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import { evalString, evalVector } from "./eval.ts";
import { get, NAME, setLabel } from "./labelset.ts";
import type { StepSeries } from "./types.ts";

function fail(message: string): never {
  throw new PromQLError("execution", message);
}

/** `label_replace(v, dst, replacement, src, regex)`. */
export async function labelReplace(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const [dst, replacement, src, pattern] = e.args.slice(1).map(evalString);
  let regex: Regex;
  try {
    regex = compileRegex(pattern);
  } catch {
    fail(`invalid regular expression in label_replace(): ${pattern}`);
  }
  if (!isValidLabelName(dst)) fail(`invalid destination label name in label_replace(): ${dst}`);
  const out = (await evalVector(ctx, e.args[0])).map((s) => {
    const match = regex.exec(get(s.labels, src));
    if (match === null) return s;
    const value = expandTemplate(replacement, match, regex.groupNames);
    return relabeled(s, dst, value);
  });
  return mergeSameLabels(out, ctx.limits);
}

/** `label_join(v, dst, separator, src…)`. */
export async function labelJoin(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const [dst, separator, ...sources] = e.args.slice(1).map(evalString);
  for (const src of sources) {
    if (!isValidLabelName(src)) fail(`invalid source label name in label_join(): ${src}`);
  }
  if (!isValidLabelName(dst)) fail(`invalid destination label name in label_join(): ${dst}`);
  const out = (await evalVector(ctx, e.args[0])).map((s) => {
    const value = sources.map((src) => get(s.labels, src)).join(separator);
    return relabeled(s, dst, value);
  });
  return mergeSameLabels(out, ctx.limits);
}

/** The series with `dst` set; naming the metric explicitly cancels a pending name drop. */
function relabeled(s: StepSeries, dst: string, value: string): StepSeries {
  return {
    labels: setLabel(s.labels, dst, value),
    values: s.values,
    present: s.present,
    dropName: dst === NAME ? false : s.dropName,
  };
}
