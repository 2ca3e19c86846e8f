/**
 * The test file of `promtool test rules` (Prometheus's "Unit Testing for Rules"): rule files,
 * the evaluation interval, the groups' order, and test groups of input series with the
 * alerts and query results expected of them. Decoded strictly: an unknown field is an error,
 * as Prometheus's strict YAML decoding makes it.
 */
import { z } from "zod";
import { duration } from "../../../shared/config/fields.ts";
import { goYamlScalars } from "../../../shared/config/go_yaml.ts";

/** A label or annotation value: YAML scalars read as their text, as Go's decoder does. */
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const textMap = z.record(z.string(), text);

const seriesSchema = z
  .object({
    series: z.string().describe('The series in PromQL notation: `name{label="value"}`.'),
    values: text.describe("Values in expanding notation: `1+2x3 _ stale 5x2`."),
  })
  .strict();

const expectedAlertSchema = z
  .object({
    exp_labels: textMap.nullish().transform((m) => m ?? {}),
    exp_annotations: textMap.nullish().transform((m) => m ?? {}),
  })
  .strict();

const alertCaseSchema = z
  .object({
    eval_time: duration().describe("Time after 0 at which the alerts are checked."),
    alertname: z.string(),
    exp_alerts: z
      .array(expectedAlertSchema)
      .nullish()
      .transform((a) => a ?? []),
  })
  .strict();

const expectedSampleSchema = z
  .object({
    labels: z.string().describe("The sample's series in PromQL notation."),
    // Any float YAML can write, `.nan` and `-.inf` too (zod's number refuses both).
    value: z.custom<number>((v) => typeof v === "number", { message: "expected a number" }),
  })
  .strict();

const exprCaseSchema = z
  .object({
    expr: z.string(),
    eval_time: duration(),
    exp_samples: z
      .array(expectedSampleSchema)
      .nullish()
      .transform((a) => a ?? []),
  })
  .strict();

const testGroupSchema = z
  .object({
    name: z.string().default(""),
    interval: duration()
      .optional()
      .describe("Step of the input series; evaluation_interval by default."),
    input_series: z
      .array(seriesSchema)
      .nullish()
      .transform((a) => a ?? []),
    alert_rule_test: z
      .array(alertCaseSchema)
      .nullish()
      .transform((a) => a ?? []),
    promql_expr_test: z
      .array(exprCaseSchema)
      .nullish()
      .transform((a) => a ?? []),
    external_labels: textMap.nullish().transform((m) => m ?? {}),
    external_url: z.string().default(""),
  })
  .strict();

/** The whole test file. */
export const testFileSchema = z
  .object({
    rule_files: z
      .array(z.string())
      .nullish()
      .transform((a) => a ?? []),
    evaluation_interval: duration().default(60_000),
    group_eval_order: z
      .array(z.string())
      .nullish()
      .transform((a) => a ?? []),
    fuzzy_compare: z.boolean().default(false),
    tests: z
      .array(testGroupSchema)
      .nullish()
      .transform((a) => a ?? []),
  })
  .strict();

/** A decoded test file; durations in ms. */
export type TestFile = z.output<typeof testFileSchema>;
/** One entry of `tests`. */
export type TestGroup = TestFile["tests"][number];
/** One entry of `alert_rule_test`. */
export type AlertCase = TestGroup["alert_rule_test"][number];
/** One entry of `promql_expr_test`. */
export type ExprCase = TestGroup["promql_expr_test"][number];

/**
 * Reads plain scalars as promtool's yaml.v2 does, by the field they land in: `values: 0x5` is
 * five zeros (the text), not 5; `fuzzy_compare: yes` is true; `value: .nan` stays a number.
 */
export const readAsPromtool = goYamlScalars(testFileSchema);
