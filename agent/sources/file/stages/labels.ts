import { z } from "zod";
import { labelName, labelSet } from "../../../../shared/config/fields.ts";
import type { Value } from "../../../../shared/metrics/registry.ts";
import type { Entry } from "./entry.ts";
import type { Stage, StageContext } from "./stage.ts";

/** The value a label takes once its name has reached `max_values` distinct values. */
export const OVERFLOW_VALUE = "__overflow__";

const DEFAULT_MAX_VALUES = 1000;

/**
 * Config of the `labels` stage: Promtail's map of label name → extracted name, plus one
 * reserved key, `max_values`, the cardinality limit.
 */
export const labelsStageSchema = z
  .record(labelName(), z.union([z.string(), z.null(), z.number()]))
  .superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
      if (key === "max_values") {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "max_values must be a whole number ≥ 0",
          });
        }
      } else if (typeof value === "number") {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "expected the name of an extracted value, or nothing",
        });
      }
    }
  })
  .transform((map) => {
    const { max_values, ...names } = map;
    const pairs = Object.entries(names).map(
      ([name, source]) => [name, (source as string | null) || name] as const,
    );
    return { pairs, maxValues: typeof max_values === "number" ? max_values : DEFAULT_MAX_VALUES };
  })
  .describe(
    `Label name → name of the extracted value it takes (empty: the same name). Values absent or empty set nothing. The reserved key \`max_values\` (default ${DEFAULT_MAX_VALUES}, 0 for no limit) caps the distinct values each label takes from this stage: later new values become \`${OVERFLOW_VALUE}\` and are counted in outpost_agent_log_label_overflow_total.`,
  );

/** The `labels` stage's config as validated. */
export type LabelsStageConfig = z.output<typeof labelsStageSchema>;

/** One label the stage sets, with the values it has let through so far. */
interface Target {
  readonly name: string;
  readonly source: string;
  readonly seen: Set<string>;
  readonly overflow: Value;
}

/** Compiles a `labels` stage. */
export function compileLabels(config: LabelsStageConfig, ctx: StageContext): Stage {
  const overflow = ctx.registry.counter(
    "outpost_agent_log_label_overflow_total",
    "Label values replaced by __overflow__ because the label reached the labels stage's max_values.",
    ["source", "label"],
  );
  const targets: Target[] = config.pairs.map(([name, source]) => ({
    name,
    source,
    seen: new Set(),
    overflow: overflow.labels({ source: ctx.sourceId, label: name }),
  }));
  const max = config.maxValues;
  return {
    run(e: Entry): boolean {
      for (const t of targets) {
        const value = e.value(t.source);
        if (value === undefined || value === "") continue;
        e.labels.set(t.name, max === 0 ? value : limited(t, value, max, ctx));
      }
      return true;
    },
  };
}

function limited(t: Target, value: string, max: number, ctx: StageContext): string {
  if (t.seen.has(value)) return value;
  if (t.seen.size < max) {
    t.seen.add(value);
    return value;
  }
  t.overflow.inc();
  ctx.warn(
    "Cannot add label value: the label has reached max_values",
    `overflow:${t.name}`,
    `label ${t.name} has ${max} values; "${value.slice(0, 60)}" becomes ${OVERFLOW_VALUE}`,
  );
  return OVERFLOW_VALUE;
}

/** Config of the `static_labels` stage: fixed labels added to every entry. */
export const staticLabelsStageSchema = labelSet().describe(
  "Label name → value set on every entry that reaches the stage.",
);

/** The `static_labels` stage's config as validated. */
export type StaticLabelsStageConfig = z.output<typeof staticLabelsStageSchema>;

/** Compiles a `static_labels` stage. */
export function compileStaticLabels(config: StaticLabelsStageConfig): Stage {
  const pairs = Object.entries(config).filter(([, value]) => value !== "");
  return {
    run(e: Entry): boolean {
      const labels = e.labels;
      for (const [name, value] of pairs) labels.set(name, value);
      return true;
    },
  };
}
