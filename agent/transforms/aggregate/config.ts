import { z } from "zod";
import { intervalDuration, labelName } from "../../../shared/config/fields.ts";
import { isValidLabelName } from "../../../shared/model/labels.ts";
import { parseSelector } from "./selector.ts";

/** The aggregation operators a rule can apply, as PromQL names them. */
export const AGGREGATE_OPS = ["sum", "count", "min", "max", "avg"] as const;

/** One aggregation operator. */
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

/** Shortest interval accepted: each interval costs a timer wake-up and one sample per group. */
const MIN_INTERVAL_MS = 1000;

const groupingLabels = (role: string) =>
  z
    .array(labelName())
    .refine((names) => !names.includes("__name__"), {
      error: "__name__ cannot be listed: the output's name comes from output_name",
    })
    .optional()
    .describe(role);

const ruleObject = z
  .object({
    match: z
      .string()
      .describe(
        'Series selector in PromQL syntax choosing the input series, e.g. `node_cpu_seconds_total` or `{__name__=~"node_cpu_.*", mode!="idle"}`.',
      ),
    by: groupingLabels(
      "Labels the output keeps (besides its name), as in PromQL's `sum by (…)`. Set exactly one of `by` and `without`.",
    ),
    without: groupingLabels(
      "Labels the output drops (all others stay, `job` and `instance` included), as in PromQL's `sum without (…)`. Set exactly one of `by` and `without`.",
    ),
    op: z
      .enum(AGGREGATE_OPS)
      .describe(
        `How each group's inputs combine: ${AGGREGATE_OPS.join(", ")}. sum of counters is exact across resets and inputs coming and going; every other case takes the inputs' last values (min and max: every sample of the interval).`,
      ),
    interval: intervalDuration()
      .refine((ms) => ms >= MIN_INTERVAL_MS, { error: "must be at least 1s" })
      .prefault("60s")
      .describe(
        "How often an output sample is written, at timestamps that are multiples of it. The default equals Prometheus's default scrape and evaluation interval.",
      ),
    output_name: z
      .string()
      .refine(isValidLabelName, { error: "must be a non-empty UTF-8 metric name" })
      .optional()
      .meta({ "x-default": "the input's name for sum, `<input name>:<op>` otherwise" })
      .describe(
        "Metric name of the outputs. By default sum keeps the input's name (so `sum by (…) (rate(x[5m]))` gives the same answer on the aggregated data) and other ops write `<input name>:<op>`.",
      ),
    keep_input: z
      .boolean()
      .default(false)
      .describe(
        "Also pass the matched input series downstream. By default they are consumed and only the outputs leave the host.",
      ),
  })
  .strict();

/** Schema of one aggregation rule, as written in YAML. */
export const aggregateRuleSchema = ruleObject
  .superRefine(checkRule)
  .describe(
    "One aggregation rule: the inputs it matches are combined per interval into one series per group, like a recording rule run before shipping.",
  );

/** The agent config's `aggregate` section: a list of rules, each applied to every sample. */
export const aggregateRulesSchema = z
  .array(aggregateRuleSchema)
  .describe(
    "Edge pre-aggregation: rules that combine series per interval before they leave the host.",
  );

/** One aggregation rule with defaults applied; `interval` in milliseconds. */
export type AggregateRule = z.output<typeof aggregateRuleSchema>;

type Draft = z.output<typeof ruleObject>;

/** Cross-field checks: a valid selector, exactly one grouping, no output hiding its input. */
function checkRule(rule: Draft, ctx: z.RefinementCtx): void {
  const fail = (path: keyof Draft | null, message: string) =>
    ctx.addIssue({ code: "custom", path: path === null ? [] : [path], message });
  try {
    parseSelector(rule.match);
  } catch (error) {
    fail("match", (error as Error).message);
  }
  if ((rule.by === undefined) === (rule.without === undefined)) {
    fail(rule.by === undefined ? null : "without", "set exactly one of by and without");
  }
  if (rule.keep_input && rule.op === "sum" && rule.output_name === undefined) {
    fail(
      "keep_input",
      "keep_input needs an output_name when op is sum: the outputs would otherwise share the inputs' name and be counted twice",
    );
  }
}
