/**
 * Builds the `rules` component from the aggregator's config and parts, the template engine
 * (aggregator/template/) included: alert labels and annotations expand as Prometheus expands
 * them, and their `query` function runs on the rules' engine at the evaluation time.
 */
import type { Registry } from "../../../shared/metrics/registry.ts";
import { DEFAULT_TENANT } from "../../auth/tenants.ts";
import type { AggregatorConfig } from "../../config/schema.ts";
import { loadProbeSlos, loadSloFiles } from "../../slo/load.ts";
import type { Queryable } from "../../storage/storage.ts";
import type { LoadedRules } from "../load.ts";
import { type GeneratedFile, RulesComponent } from "./component.ts";
import type { EvaluatorDeps, GroupLease, RuleEngine, RuleOutputSink } from "./deps.ts";
import { prometheusExpander } from "./template.ts";

/** The aggregator's parts the rules use. */
export interface RulesParts {
  readonly engine: RuleEngine;
  readonly queryable: Queryable;
  readonly sink: RuleOutputSink;
  readonly lease: (key: string, ttlMs: number) => GroupLease | null;
  readonly registry: Registry;
  /** The aggregator's own URL, the external URL's default. */
  readonly url: string;
  /** Re-reads what other aggregators committed, before alerts are restored. */
  readonly refresh: () => Promise<void>;
  /** The integration packs' rule files offered to a tenant (aggregator/packs). */
  readonly packs?: (tenant: string) => readonly GeneratedFile[];
  /** The rule groups a tenant uploaded through the ruler API, a file per namespace (aggregator/ruler). */
  readonly uploaded?: (tenant: string) => readonly GeneratedFile[];
  /** The tenant's rule files loaded already, for the first load (component.ts `loaded`). */
  readonly loaded?: LoadedRules;
  readonly onAlerts?: EvaluatorDeps["onAlerts"];
  readonly onChanges?: EvaluatorDeps["onChanges"];
}

/**
 * The rules component of one tenant: the default tenant's reads the top-level `rule_files` and
 * SLOs; another tenant's reads `tenants.<name>.rule_files` and its SLOs. `parts.queryable` is
 * the tenant's store; its output goes out under the tenant's subject.
 */
export function createRules(
  config: AggregatorConfig,
  parts: RulesParts,
  tenant = DEFAULT_TENANT,
): RulesComponent {
  const e = config.rule_evaluation;
  const own = tenant === DEFAULT_TENANT;
  const deps: EvaluatorDeps = {
    engine: parts.engine,
    queryable: parts.queryable,
    sink: parts.sink,
    tenant,
    // The default tenant keeps its lease names (`rules.<hash>`), so a rolling upgrade keeps them.
    lease: own ? parts.lease : (key, ttl) => parts.lease(`${tenant}.${key}`, ttl),
    expand: prometheusExpander(parts.engine, parts.queryable),
    externalLabels: config.global.external_labels,
    externalURL: e.external_url || parts.url,
    restore: { outageTolerance: e.for_outage_tolerance, gracePeriod: e.for_grace_period },
    resendDelay: e.resend_delay,
    beforeRestore: parts.refresh,
    onAlerts: parts.onAlerts,
    onChanges: parts.onChanges,
  };
  return new RulesComponent(
    {
      globs: own ? config.rule_files : (config.tenants[tenant]?.rule_files ?? []),
      baseDir: config.baseDir,
      generated: async () => [
        ...(await sloRules(config, tenant)),
        ...(parts.packs?.(tenant) ?? []),
        ...(parts.uploaded?.(tenant) ?? []),
      ],
      evaluationInterval: config.global.evaluation_interval,
      queryOffset: config.global.rule_query_offset,
      loaded: parts.loaded,
    },
    deps,
    parts.registry,
  );
}

/** The rule files a tenant's SLOs generate. */
async function sloRules(config: AggregatorConfig, tenant: string) {
  const own = tenant === DEFAULT_TENANT ? config : config.tenants[tenant];
  if (own === undefined) return [];
  return [
    ...(await loadSloFiles(own.slo_files, config.baseDir)).files,
    ...loadProbeSlos(own.slo_probes).files,
  ];
}
