/**
 * How a template function is declared: its Go parameter types (the executor converts and
 * checks arguments against them exactly as Go's reflection-based call does) and its body.
 */
import type { Value } from "./values.ts";

/**
 * A function a template can call. `params` are Go type names: `interface {}`, `string`,
 * `float64`, `int`, `bool`, `[]string`, `time.Time`, `*template.sample`, `template.queryResult`,
 * or `reflect.Value` (any value, even "no value", as Go's builtins take). With `variadic`,
 * the last entry is the element type of the `...` parameter. The body throws to fail the
 * call (`error calling <name>: <message>`) and may be async (Prometheus's `query`).
 */
export interface TemplateFunc {
  params: readonly string[];
  variadic?: boolean;
  fn: (...args: Value[]) => Value | Promise<Value>;
}

/** Marks "no value passed down the pipeline". */
export const MISSING: unique symbol = Symbol("missing");
/** A value or the absence of a pipeline's final argument. */
export type Final = Value | typeof MISSING;

/** Functions by name. */
export type FuncMap = Record<string, TemplateFunc>;
