/** An alertmanager.yml as loaded: the typed parts the notifier uses, with where they were written. */
import type { SourcePos } from "../../rules/model.ts";
import type { Matcher } from "../matchers.ts";
import type { TimeInterval } from "../timeinterval/model.ts";
import type { Section } from "./integrations.ts";

/** A route as written: unset timings and grouping are inherited from its parent when routing. */
export interface RouteConfig {
  readonly receiver?: string;
  /** The labels written in `group_by` (without `...`); undefined when it is not set. */
  readonly groupBy?: readonly string[];
  /** `group_by: ['...']`: group by every label. */
  readonly groupByAll: boolean;
  /** `match`, `match_re` and `matchers` together, sorted as Alertmanager sorts them. */
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly groupWait?: number;
  readonly groupInterval?: number;
  readonly repeatInterval?: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly RouteConfig[];
  readonly pos: SourcePos;
}

/** An inhibit rule: targets are muted while a source with the same `equal` labels fires. */
export interface InhibitRule {
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/** One integration of a receiver: its kind (`webhook_configs`, …) and its fields, defaults filled. */
export interface Integration {
  readonly kind: string;
  readonly config: Section;
  readonly sendResolved: boolean;
}

/** A receiver: a name and its integrations. */
export interface Receiver {
  readonly name: string;
  readonly integrations: readonly Integration[];
}

/** A loaded alertmanager.yml. */
export interface AlertmanagerConfig {
  /** The file as the user named it. */
  readonly file: string;
  /** `global`, defaults filled in. */
  readonly global: Section;
  readonly route: RouteConfig;
  readonly inhibitRules: readonly InhibitRule[];
  readonly receivers: readonly Receiver[];
  /** `templates` globs, relative ones resolved against the file's directory. */
  readonly templates: readonly string[];
  /** `time_intervals` and `mute_time_intervals` by name. */
  readonly timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>;
  /** The whole file as decoded, defaults filled, for printing (see print.ts). */
  readonly document: Section;
}
