/**
 * `ruler` in the aggregator's config: the caps on rule groups uploaded through the ruler API
 * (Mimir's `/prometheus/config/v1/rules`), which every tenant may use.
 */
import { z } from "zod";
import { byteSize, duration } from "../../shared/config/fields.ts";

/** `ruler`: limits of uploaded rule groups, per tenant. */
export const rulerSchema = z
  .object({
    max_rule_groups_per_tenant: z
      .number()
      .int()
      .min(0)
      .default(200)
      .describe(
        "Most rule groups a tenant may upload (all namespaces); one more is refused with 400. 0: none may be uploaded.",
      ),
    max_rules_per_rule_group: z
      .number()
      .int()
      .min(1)
      .default(200)
      .describe("Most rules one uploaded group may hold; a larger group is refused with 400."),
    min_interval: duration()
      .prefault("1s")
      .describe(
        "Shortest `interval` an uploaded group may have; a shorter one is refused with 400 (`0s`, which means `global.evaluation_interval`, is not). Each evaluation of a group with output is a batch on the ingest stream: a group of one rule at `1ms` sent 600 a second.",
      ),
    max_group_bytes: byteSize()
      .prefault("128KiB")
      .describe(
        "Largest upload (one group's YAML) accepted; larger is refused with 413. Kept under NATS's 1 MiB message size, since each group is one KV value.",
      ),
  })
  .strict();

/** The parsed `ruler` section. */
export type RulerConfig = z.infer<typeof rulerSchema>;
