/**
 * `tenants`: the rules, SLOs and Alertmanager configuration of tenants other than "default", as
 * Mimir keeps a ruler and an Alertmanager per tenant. The top-level `rule_files`, `slo_files`,
 * `slo_probes` and `alerting.config_file` stay the default tenant's, so a config without
 * `tenants` reads as before.
 */
import { z } from "zod";
import { filePath } from "../../shared/config/fields.ts";
import { DEFAULT_TENANT, reservedTenant, TENANT_NAME } from "../auth/tenants.ts";
import { ruleFilesSchema } from "../rules/config.ts";
import { sloFilesSchema, sloProbesSchema } from "../slo/config.ts";

/** One tenant's rules, SLOs and notifier. */
const tenantAlertingSchema = z
  .object({
    rule_files: ruleFilesSchema,
    slo_files: sloFilesSchema,
    slo_probes: sloProbesSchema,
    alerting: z
      .object({
        config_file: filePath()
          .optional()
          .describe(
            "This tenant's alertmanager.yml, relative to this file's directory: its own notifier, silences and history. Without one the tenant's Alertmanager API answers as an unconfigured one.",
          ),
      })
      .strict()
      .prefault({})
      .describe("This tenant's notifier; history settings are the top-level `alerting.history`."),
  })
  .strict();

/** `tenants`: per-tenant rules and notifiers, keyed by tenant name. */
export const tenantsSchema = z
  .record(
    z.string().refine((t) => TENANT_NAME.test(t) && t !== DEFAULT_TENANT && !reservedTenant(t), {
      error: `must be a tenant name (1-64 of A-Z a-z 0-9 _ -, not beginning with __) other than "${DEFAULT_TENANT}", whose rules and alerting are the top-level ones`,
    }),
    tenantAlertingSchema,
  )
  .default({})
  .describe(
    "Rules, SLOs and Alertmanager configuration of other tenants (docs/notify.md, Tenants); the top-level `rule_files`, `slo_files`, `slo_probes` and `alerting` are tenant `default`'s.",
  );
