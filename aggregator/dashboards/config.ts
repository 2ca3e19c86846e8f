/** `dashboards` in the aggregator's config: how many versions are kept and how big one may be. */
import { z } from "zod";
import { byteSize } from "../../shared/config/fields.ts";

/** `dashboards`: limits of the dashboards service (docs/api.md). */
export const dashboardsSchema = z
  .object({
    versions_kept: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe("Versions kept per dashboard (its history); older ones are deleted on save."),
    max_bytes: byteSize()
      .prefault("4MiB")
      .describe("The largest dashboard JSON accepted (Node Exporter Full is ~460 KB)."),
  })
  .strict();
