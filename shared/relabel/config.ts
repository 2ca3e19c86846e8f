import { z } from "zod";
import { isValidLabelName } from "../model/labels.ts";
import { compileRegex } from "../regex/regex.ts";

/** Every relabel action Prometheus knows. */
export const RELABEL_ACTIONS = [
  "replace",
  "keep",
  "drop",
  "keepequal",
  "dropequal",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "lowercase",
  "uppercase",
] as const;

/** One relabel action. */
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** Prometheus's defaults; some actions require that a field keeps its default. */
export const RELABEL_DEFAULTS = {
  separator: ";",
  regex: "(.*)",
  replacement: "$1",
  modulus: 0,
  target_label: "",
} as const;

const labelName = z
  .string()
  .refine(isValidLabelName, "label name must be a non-empty UTF-8 string")
  .describe("A label name.");

const ruleObject = z
  .object({
    source_labels: z
      .array(labelName)
      .default([])
      .describe("Labels whose values are joined with `separator` and matched against `regex`."),
    separator: z
      .string()
      .default(RELABEL_DEFAULTS.separator)
      .describe("Placed between the values of `source_labels` when they are joined."),
    regex: z
      .string()
      .default(RELABEL_DEFAULTS.regex)
      .describe("RE2 regular expression, anchored at both ends, matched against the joined value."),
    modulus: z
      .number()
      .int()
      .nonnegative()
      .max(Number.MAX_SAFE_INTEGER)
      .default(RELABEL_DEFAULTS.modulus)
      .describe("Modulus of the hash of the joined value; used by `hashmod` only."),
    target_label: z
      .string()
      .default(RELABEL_DEFAULTS.target_label)
      .describe("Label written by the action; `replace` may use `$1`-style references here."),
    replacement: z
      .string()
      .default(RELABEL_DEFAULTS.replacement)
      .describe(
        "Value written by `replace`, or new name written by `labelmap`; `$1`-style group references expand.",
      ),
    action: z
      .preprocess(
        // Prometheus lower-cases the action before it checks it, so `Replace` is accepted.
        (value) => (typeof value === "string" ? value.toLowerCase() : value),
        z.enum(RELABEL_ACTIONS),
      )
      .default("replace")
      .describe(`What to do when the rule applies: ${RELABEL_ACTIONS.join(", ")}.`),
  })
  .strict();

/** Schema of one `relabel_config` rule, as written in YAML. */
export const relabelConfigSchema = ruleObject
  .superRefine(checkRule)
  .describe("One relabeling rule, applied in order to a label set (Prometheus `relabel_config`).");

/** One relabel rule with defaults applied. */
export type RelabelConfig = z.infer<typeof relabelConfigSchema>;

type Draft = z.output<typeof ruleObject>;

/** Cross-field rules, after Prometheus's `relabel.Config.Validate` (UTF-8 name validation). */
function checkRule(rule: Draft, ctx: z.RefinementCtx): void {
  const fail = (field: keyof Draft, message: string) =>
    ctx.addIssue({ code: "custom", path: [field], message });
  const { action } = rule;

  try {
    compileRegex(rule.regex);
  } catch (error) {
    fail("regex", (error as Error).message);
  }
  if (action === "hashmod" && rule.modulus === 0) {
    fail("modulus", "hashmod requires a modulus greater than 0");
  }
  if (NEEDS_TARGET.has(action) && !isValidLabelName(rule.target_label)) {
    fail("target_label", `${action} requires a non-empty target_label`);
  }
  if (action === "labelmap" && !isValidLabelName(rule.replacement)) {
    fail("replacement", "labelmap requires a replacement that is a valid label name");
  }
  for (const field of MUST_KEEP_DEFAULT[action] ?? []) {
    if (rule[field] !== RELABEL_DEFAULTS[field]) fail(field, `${action} does not accept ${field}`);
  }
  if (ONLY_REGEX.has(action) && rule.source_labels.length > 0) {
    fail("source_labels", `${action} does not accept source_labels`);
  }
}

const NEEDS_TARGET = new Set<RelabelAction>([
  "replace",
  "hashmod",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
]);

const ONLY_REGEX = new Set<RelabelAction>(["labeldrop", "labelkeep"]);

type DefaultField = keyof typeof RELABEL_DEFAULTS;

/**
 * Fields an action ignores and Prometheus therefore rejects when they are set. We compare by
 * value, so writing the default out (`regex: (.*)`) is accepted; Prometheus compares regexes
 * by identity and rejects even that.
 */
const MUST_KEEP_DEFAULT: Partial<Record<RelabelAction, readonly DefaultField[]>> = {
  lowercase: ["replacement"],
  uppercase: ["replacement"],
  keepequal: ["regex", "modulus", "separator", "replacement"],
  dropequal: ["regex", "modulus", "separator", "replacement"],
  labeldrop: ["target_label", "modulus", "separator", "replacement"],
  labelkeep: ["target_label", "modulus", "separator", "replacement"],
};
