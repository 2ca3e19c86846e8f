/**
 * Builds the `rules` component from the aggregator's config and parts, the template engine
 * (aggregator/template/) included: alert labels and annotations expand as Prometheus expands
 * them, and their `query` function runs on the rules' engine at the evaluation time.
 */
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { AggregatorConfig } from "../../config/schema.ts";
import { loadProbeSlos, loadSloFiles } from "../../slo/load.ts";
import type { Queryable } from "../../storage/storage.ts";
import { RulesComponent } from "./component.ts";
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
  readonly onAlerts?: EvaluatorDeps["onAlerts"];
  readonly onChanges?: EvaluatorDeps["onChanges"];
}

/** The rules component of an aggregator (tenant "default" until tenants are chosen per request). */
export function createRules(config: AggregatorConfig, parts: RulesParts): RulesComponent {
  const e = config.rule_evaluation;
  const deps: EvaluatorDeps = {
    engine: parts.engine,
    queryable: parts.queryable,
    sink: parts.sink,
    tenant: "default",
    lease: parts.lease,
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
      globs: config.rule_files,
      baseDir: config.baseDir,
      generated: async () => [
        ...(await loadSloFiles(config.slo_files, config.baseDir)).files,
        ...loadProbeSlos(config.slo_probes).files,
      ],
      evaluationInterval: config.global.evaluation_interval,
      queryOffset: config.global.rule_query_offset,
    },
    deps,
    parts.registry,
  );
}
