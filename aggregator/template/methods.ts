/**
 * Go methods a template may call on a value (`{{ .StartsAt.Format "15:04" }}`,
 * `{{ .CommonLabels.SortedPairs }}`): `time.Time`'s, and those a caller registers for its own
 * named types (Alertmanager's `template.KV`, `template.Alerts`, …). As in Go, a method wins
 * over a map key or a struct field of the same name.
 */
import type { FuncMap, TemplateFunc } from "./func.ts";
import { timeMethods } from "./time_methods.ts";
import { GoTime, typeName, type Value } from "./values.ts";

const methodSets = new Map<string, FuncMap>();

/** Gives the Go type `type` (as {@link typeName} prints it) the methods in `methods`. */
export function registerMethods(type: string, methods: FuncMap): void {
  methodSets.set(type, { ...methodSets.get(type), ...methods });
}

/** The method `name` of `receiver`'s type, if it has one; the receiver is its first argument. */
export function methodOf(receiver: Value, name: string): TemplateFunc | undefined {
  if (receiver === undefined || receiver === null) return undefined;
  const set = receiver instanceof GoTime ? timeMethods : methodSets.get(typeName(receiver));
  return set && Object.hasOwn(set, name) ? set[name] : undefined;
}
