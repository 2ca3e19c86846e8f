/**
 * The rules of a Prometheus rule file as Outpost holds them once loaded: groups of recording
 * and alerting rules, each with the place in its file it was written, so that every later
 * message (a failed evaluation, a reload) can point at the line.
 */
import type { Expr } from "../promql/parser/ast.ts";

/** A 1-based line and column in a rule file. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** What every rule has, whichever its kind. */
interface RuleCommon {
  /** The `record` or `alert` name. */
  readonly name: string;
  /** The PromQL text as written. */
  readonly expr: string;
  /** The parsed and type-checked expression. */
  readonly query: Expr;
  /** Labels added to (or overriding those of) every output series, group labels merged in. */
  readonly labels: Readonly<Record<string, string>>;
  /** 1-based position of the rule in its group, as promtool numbers them. */
  readonly index: number;
  /** Where the rule's list entry starts. */
  readonly pos: SourcePos;
  /** Where each field's key was written: `expr`, `labels`, `labels.severity`, … */
  readonly fields: Readonly<Record<string, SourcePos>>;
}

/** A recording rule: `record: NAME`, stored as a new series. */
export interface RecordingRule extends RuleCommon {
  readonly type: "recording";
}

/** An alerting rule: `alert: NAME`, firing after `for` and held for `keep_firing_for`. */
export interface AlertingRule extends RuleCommon {
  readonly type: "alerting";
  /** Milliseconds the condition must hold before the alert fires; 0 fires at once. */
  readonly for: number;
  /** Milliseconds the alert keeps firing after its condition stopped; 0 resolves at once. */
  readonly keepFiringFor: number;
  /** Annotation templates, unexpanded. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** One rule of either kind. */
export type Rule = RecordingRule | AlertingRule;

/** A rule group: rules evaluated in order, at one interval, by one evaluator. */
export interface RuleGroup {
  /** The rule file as its glob found it (absolute). */
  readonly file: string;
  /** Unique within its file; (file, name) identifies a group. */
  readonly name: string;
  /** Evaluation interval in ms; undefined means `global.evaluation_interval`. */
  readonly interval: number | undefined;
  /** How far in the past to evaluate, in ms; undefined means `global.rule_query_offset`. */
  readonly queryOffset: number | undefined;
  /** Most alerts or series one rule may produce; 0 (or less, as Prometheus reads it) is no limit. */
  readonly limit: number;
  /** Group labels (Prometheus 3), already merged into each rule's labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly Rule[];
  /** Where the group's list entry starts. */
  readonly pos: SourcePos;
  /** Where each field's key was written: `interval`, `limit`, `labels.team`, … */
  readonly fields: Readonly<Record<string, SourcePos>>;
}

/**
 * Checks the text of one label or annotation template; returns Go's error text
 * (`template: __alert_X:1: unclosed action`) or null when it parses. The template engine
 * (aggregator/template/) supplies the default.
 */
export type TemplateCheck = (text: string, alertName: string) => string | null;

/** Options of the rule file parser and loader. */
export interface RuleFileOptions {
  /**
   * Called for every label and annotation value of every alerting rule; see
   * {@link TemplateCheck}. Prometheus's check (aggregator/template) by default.
   */
  readonly checkTemplate?: TemplateCheck;
}
