/**
 * `status_page` in the aggregator's config: the opt-in public status page. Only the targets
 * listed here are shown, each under the name given, so nothing about the others (nor any label)
 * is reachable without credentials.
 */
import { z } from "zod";
import { positiveDuration } from "../../shared/config/fields.ts";
import { parseMetricSelector } from "../promql/parser/parse.ts";

const DAY = 86_400_000;
const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/** One row of the status page: a probe target chosen by its instance or by a selector. */
const statusTargetSchema = z
  .object({
    target: z
      .string()
      .min(1)
      .describe(
        'The probe target: its `instance` label (`https://example.com`), or label matchers in braces (`{job="web", instance=~"https://.*"}`) whose targets are shown together as one row.',
      ),
    name: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ "x-default": "the instance" })
      .describe("The name the page shows; required for a selector, whose labels are never shown."),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.target.trim().startsWith("{")) return;
    try {
      parseMetricSelector(t.target);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["target"], message: (err as Error).message });
    }
    if (t.name === undefined)
      ctx.addIssue({ code: "custom", path: ["name"], message: "is required for a selector" });
  });

/** `status_page`: what the public, read-only status page at `/status` shows. */
export const statusPageSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Answer `/status.json`, the data of the public page at `/status`, without credentials. Off: `/status.json` answers 404 and `/status` says the server publishes no status page.",
      ),
    title: z.string().min(1).max(200).default("Status").describe("The page's heading."),
    tenant: z
      .string()
      .regex(TENANT, { error: "must be 1-64 of A-Z a-z 0-9 _ -" })
      .default("default")
      .describe("The tenant whose probe series the page reads (one tenant, never the caller's)."),
    targets: z
      .array(statusTargetSchema)
      .max(100)
      .default([])
      .describe("The rows of the page, in this order."),
    windows: z
      .array(positiveDuration().refine((ms) => ms <= 3650 * DAY, { error: "must be at most 10y" }))
      .min(1)
      .max(8)
      .prefault(["24h", "7d", "30d", "90d"])
      .describe("The SLA windows shown for each target, ending now."),
    decimals: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(3)
      .describe("Decimals of the SLA percentages."),
    cache: positiveDuration()
      .prefault("15s")
      .describe(
        "How long an answer is reused: the page needs no login, so its queries run at most once per this period whoever asks.",
      ),
  })
  .strict();

/** The loaded `status_page` section (durations in ms). */
export type StatusPageConfig = z.output<typeof statusPageSchema>;
