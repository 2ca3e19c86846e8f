/**
 * The seams the evaluator owns: how it queries, where its output goes, how it holds a group.
 * The aggregator implements them (the engine, aggregator/ingest/publish.ts, the KV lease);
 * tests implement them over memory.
 */
import type { QueryOrigin } from "../../promql/engine/admission.ts";
import type { QueryOutcome } from "../../promql/value.ts";
import type { Queryable } from "../../storage/storage.ts";
import type { NotifiedAlert } from "./alert.ts";
import type { AlertChange } from "./alerting.ts";
import type { RestoreOptions } from "./restore.ts";
import type { ExpandTemplate } from "./template.ts";

/** The query engine as rules use it (Engine implements it). */
export interface RuleEngine {
  instantQuery(
    queryable: Queryable,
    query: string,
    timeMs: number,
    opts: { origin?: QueryOrigin; signal?: AbortSignal },
  ): Promise<QueryOutcome>;
}

/** One evaluation's output, ready to publish: a column of series, timestamps and values. */
export interface OutputBatch {
  /** `rules-<tenant>-<group hash>-<eval ms>`: a second copy is dropped by JetStream. */
  readonly msgId: string;
  /** Tenant the samples belong to. */
  readonly tenant: string;
  readonly labels: readonly (readonly string[])[];
  readonly timestamp: number;
  /** Values; a staleness marker where `stale[i]`. */
  readonly values: readonly number[];
  readonly stale: readonly boolean[];
}

/** Where evaluation output is stored. */
export interface RuleOutputSink {
  /** Publishes a batch; resolves `duplicate` when the stream already had its id. */
  publish(batch: OutputBatch): Promise<{ duplicate: boolean }>;
}

/** A lease on one group; see aggregator/ingest/lease.ts. */
export interface GroupLease {
  acquire(now?: number): Promise<boolean>;
}

/** What the evaluator needs from its surroundings. */
export interface EvaluatorDeps {
  readonly engine: RuleEngine;
  readonly queryable: Queryable;
  readonly sink: RuleOutputSink;
  /** Tenant the output is stored under. */
  readonly tenant: string;
  /** A lease per group, or none (a single aggregator evaluates every group). */
  readonly lease?: (key: string, ttlMs: number) => GroupLease | null;
  readonly expand: ExpandTemplate;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly restore: RestoreOptions;
  /** Prometheus's `--rules.alert.resend-delay`, ms (1 m). */
  readonly resendDelay: number;
  /** Called after each evaluation with the alerts to notify, firing and resolved. */
  readonly onAlerts?: (group: { file: string; name: string }, alerts: NotifiedAlert[]) => void;
  /** Called after each evaluation with its alerts' state changes (alert history), if any. */
  readonly onChanges?: (group: { file: string; name: string }, changes: RuleAlertChange[]) => void;
  /** Called before the `for` state is restored, to see the newest stored data. */
  readonly beforeRestore?: () => Promise<void>;
  /** Wall clock, ms; tests step it. */
  readonly now?: () => number;
  /**
   * Take no speed-only path (the oracle of their tests): expand every alert template at every
   * evaluation instead of reusing a series' expansions while its value is unchanged, build
   * each output series' labels afresh instead of through a rule's prepared merge, and build
   * `ALERTS`/`ALERTS_FOR_STATE` labels at every evaluation instead of once per alert state.
   */
  readonly reference?: boolean;
}

/** A state change of one of a group's alerts, with the rule's annotations expanded. */
export interface RuleAlertChange extends AlertChange {
  readonly rule: string;
}
