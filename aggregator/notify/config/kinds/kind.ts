/** What every integration kind of a receiver is made of, and the helpers they share. */
import type { Spec } from "../shape.ts";
import { httpSpec } from "../specs.ts";

/** A decoded config section: field name to value. */
export type Section = Record<string, unknown>;

/**
 * What Alertmanager finds wrong with an integration, in its words: about the integration as a
 * whole (a string), or about one field of it or of a section inside it.
 */
export type Complaint =
  | string
  | { readonly reason: string; readonly in?: Section; readonly field?: string };

/** What one integration kind knows. */
export interface IntegrationKind {
  readonly spec: Spec;
  /** `send_resolved` when the config does not say (Alertmanager's per-integration default). */
  readonly sendResolved: boolean;
  /**
   * Fills defaults from `global` and returns Alertmanager's complaint, if any. `c.http_config`
   * is still the integration's own (undefined when it has none), not yet the global one.
   */
  readonly complete: (c: Section, global: Section) => Complaint | undefined;
}

/** An integration's spec: `send_resolved`, `http_config` unless `http` is false, and `fields`. */
export function integrationSpec(name: string, fields: Record<string, Spec>, http = true): Spec {
  return {
    object: name,
    fields: { send_resolved: "bool", ...(http ? { http_config: httpSpec } : {}), ...fields },
  };
}

/** Go's `s == ""`: a field left out or written empty. */
export const isEmpty = (value: unknown): boolean => value === undefined || value === "";

/** Sets `c[key]` from `global[from]` when the config leaves it unset or empty, as Go does. */
export function inherit(c: Section, key: string, global: Section, from: string): void {
  if (isEmpty(c[key]) && global[from] !== undefined) c[key] = global[from];
}

/** The `x` & `x_file` pair, one of which must be set (`missing` when neither is). */
export function secretOrFile(c: Section, field: string, missing: string): Complaint | undefined {
  const [value, file] = [c[field], c[`${field}_file`]];
  if (!isEmpty(value) && !isEmpty(file)) {
    return `at most one of ${field} & ${field}_file must be configured`;
  }
  return isEmpty(value) && isEmpty(file) ? missing : undefined;
}

/**
 * The `x` & `x_file` pair of an integration that falls back on the global's `from` &
 * `from_file` when it sets neither, as Alertmanager's Slack, OpsGenie and VictorOps keys do:
 * at most one of the two, and one of them somewhere (`missing` when neither is).
 */
export function secretOrGlobal(
  c: Section,
  field: string,
  global: Section,
  from: string,
  missing: string,
): Complaint | undefined {
  if (!isEmpty(c[field]) && !isEmpty(c[`${field}_file`])) {
    return `at most one of ${field} & ${field}_file must be configured`;
  }
  if (isEmpty(c[field]) && isEmpty(c[`${field}_file`])) {
    inherit(c, field, global, from);
    inherit(c, `${field}_file`, global, `${from}_file`);
  }
  return isEmpty(c[field]) && isEmpty(c[`${field}_file`]) ? missing : undefined;
}
