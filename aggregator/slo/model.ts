/**
 * A Sloth `prometheus/v1` SLO spec as Outpost holds it once decoded: a service, its labels
 * and its SLOs, each with the place in its file it was written so that every problem points
 * at a line.
 */
import type { SourcePos } from "../rules/model.ts";

/** The spec version Sloth's `prometheus/v1` files declare. */
export const SPEC_VERSION = "prometheus/v1";

/** A string value and where it was written. */
export interface Located<T> {
  readonly value: T;
  readonly pos: SourcePos;
}

/** Labels or annotations as written: key, value, and where each value is. */
export type LocatedMap = ReadonlyMap<string, Located<string>>;

/** An SLI from bad and total events: the error ratio is `(error) / (total)`. */
export interface EventsSli {
  readonly kind: "events";
  readonly errorQuery: Located<string>;
  readonly totalQuery: Located<string>;
}

/** An SLI whose query already gives the error ratio (0 to 1). */
export interface RawSli {
  readonly kind: "raw";
  readonly errorRatioQuery: Located<string>;
}

/** One of the two SLI kinds Outpost runs (Sloth's third, plugins, is refused). */
export type Sli = EventsSli | RawSli;

/** `page_alert` or `ticket_alert`. */
export interface AlertSpec {
  readonly disable: boolean;
  readonly labels: LocatedMap;
  readonly annotations: LocatedMap;
}

/** `alerting`: the alert name and what page and ticket alerts add to it. */
export interface AlertingSpec {
  readonly name: Located<string>;
  readonly labels: LocatedMap;
  readonly annotations: LocatedMap;
  readonly page: AlertSpec;
  readonly ticket: AlertSpec;
}

/** `interval`: the evaluation interval of the generated groups, in ms (undefined: global). */
export interface IntervalSpec {
  readonly all?: number;
  readonly sliError?: number;
  readonly metadata?: number;
  readonly alert?: number;
}

/** One entry of `slos`. */
export interface SloSpec {
  readonly name: Located<string>;
  readonly description: string;
  /** Target percentage, in (0, 100]. */
  readonly objective: Located<number>;
  readonly labels: LocatedMap;
  /** Extra labels of `sloth_slo_info` only. */
  readonly infoLabels: LocatedMap;
  readonly sli: Sli | undefined;
  readonly alerting: AlertingSpec;
  readonly interval: IntervalSpec;
  /** Where the list entry starts. */
  readonly pos: SourcePos;
}

/** A whole spec file. */
export interface ServiceSpec {
  readonly version: Located<string>;
  readonly service: Located<string>;
  readonly labels: LocatedMap;
  readonly slos: readonly SloSpec[];
  /** Where the document starts. */
  readonly pos: SourcePos;
}

/** A problem of a spec: where, the field path (`slos[0].objective`), and what. */
export interface SpecFinding {
  readonly pos: SourcePos;
  readonly path: string;
  readonly reason: string;
}
