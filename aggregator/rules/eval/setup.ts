/**
 * Builds the `rules` component from the aggregator's config and parts. The template engine is
 * wired here, and only here: replace `expandUnchanged` with aggregator/template/'s expander.
 */
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { AggregatorConfig } from "../../config/schema.ts";
import type { Queryable } from "../../storage/storage.ts";
import { RulesComponent } from "./component.ts";
import type { EvaluatorDeps, GroupLease, RuleEngine, RuleOutputSink } from "./deps.ts";
import { expandUnchanged } from "./template.ts";

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
    expand: expandUnchanged,
    externalLabels: config.global.external_labels,
    externalURL: e.external_url || parts.url,
    restore: { outageTolerance: e.for_outage_tolerance, gracePeriod: e.for_grace_period },
    resendDelay: e.resend_delay,
    beforeRestore: parts.refresh,
    onAlerts: parts.onAlerts,
  };
  return new RulesComponent(
    {
      globs: config.rule_files,
      baseDir: config.baseDir,
      evaluationInterval: config.global.evaluation_interval,
      queryOffset: config.global.rule_query_offset,
    },
    deps,
    parts.registry,
  );
}
