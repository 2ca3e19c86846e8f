/**
 * Arguments of a function call, converted and checked as Go's reflection-based call does:
 * literals take the parameter's type (`expected integer; found "x"`), other values must be
 * assignable (`wrong type for value; expected string; got float64`), "no value" becomes nil
 * where the type allows it.
 */
import { type Final, MISSING } from "./func.ts";
import { type Node, nodeString } from "./nodes.ts";
import { canBeNil, GoStruct, typeName, underlying, type Value } from "./values.ts";

/** The part of the executor that arguments need. */
export interface Scope {
  at(node: Node): void;
  fail(message: string): never;
  evalPipeline(dot: Value, pipe: Extract<Node, { kind: "pipe" }>): Promise<Value>;
  evalCommand(dot: Value, cmd: Extract<Node, { kind: "command" }>, final: Final): Promise<Value>;
  idealConstant(n: Extract<Node, { kind: "number" }>): Value;
}

/** Evaluates an argument node for a parameter of Go type `type` (null: untyped). */
export async function evalArg(s: Scope, dot: Value, type: string | null, n: Node): Promise<Value> {
  s.at(n);
  switch (n.kind) {
    case "dot":
      return validateType(s, dot, type);
    case "nil":
      if (type === null || (type !== "reflect.Value" && canBeNil(type))) return null;
      return s.fail(`cannot assign nil to ${type}`);
    case "field":
    case "variable":
    case "chain":
    case "identifier": {
      const cmd = { kind: "command" as const, pos: n.pos, args: [n] };
      return validateType(s, await s.evalCommand(dot, cmd, MISSING), type);
    }
    case "pipe":
      return validateType(s, await s.evalPipeline(dot, n), type);
  }
  return literal(s, type, n);
}

function literal(s: Scope, type: string | null, n: Node): Value {
  switch (type) {
    case "bool":
      if (n.kind === "bool") return n.value;
      return s.fail(`expected bool; found ${nodeString(n)}`);
    case "int":
      if (n.kind === "number" && n.isInt) return n.int;
      return s.fail(`expected integer; found ${nodeString(n)}`);
    case "float64":
      if (n.kind === "number" && n.isFloat) return n.float;
      return s.fail(`expected float; found ${nodeString(n)}`);
    case "string":
      if (n.kind === "string") return n.text;
      return s.fail(`expected string; found ${nodeString(n)}`);
    case null:
    case "interface {}":
    case "reflect.Value":
      if (n.kind === "bool") return n.value;
      if (n.kind === "number") return s.idealConstant(n);
      if (n.kind === "string") return n.text;
  }
  return s.fail(`can't handle ${nodeString(n)} for arg of type ${type}`);
}

/** Go's validateType: checks (and adapts) a computed value for a parameter type. */
export function validateType(s: Scope, value: Value, type: string | null): Value {
  if (type === null || type === "reflect.Value") return value;
  if (value === undefined) {
    if (canBeNil(type)) return null;
    return s.fail(`invalid value; expected ${type}`);
  }
  if (type === "interface {}") return value;
  if (value === null) {
    if (canBeNil(type)) return null;
    return s.fail(`invalid value; expected ${type}`);
  }
  const got = typeName(value);
  if (got === type) return value;
  // Go assigns a named type to its unnamed underlying type (template.KV to map[string]string).
  if (
    underlying(got) === underlying(type) &&
    (underlying(got) === got || underlying(type) === type)
  )
    return value;
  if (value instanceof GoStruct && value.pointer && value.type === type)
    return new GoStruct(value.type, value.fields);
  return s.fail(`wrong type for value; expected ${type}; got ${got}`);
}
