/**
 * The type checker Prometheus runs after a clean parse (`checkAST` in parse.go): operand and
 * argument types, `bool` and set-operator rules, vector matching, and the rule that a selector
 * must not match every series. Problems are recorded in the order Prometheus finds them
 * (children first), so the first one is the one Prometheus reports.
 */

import { goQuote } from "../../../shared/model/go_string.ts";
import type { BinaryExpr, Call, Expr, ValueType, VectorSelector } from "./ast.ts";
import { checkBinaryChain } from "./check_binary.ts";
import { AGGREGATIONS, FUNCTIONS } from "./functions.ts";
import { matchesEmpty } from "./parse_selector.ts";
import type { ParserState } from "./state.ts";

/** Types found by the checker, so that asking again is O(1) on long operator chains. */
const typeCache = new WeakMap<Expr, ValueType>();

/** The type of value an expression evaluates to. */
export function exprType(e: Expr): ValueType {
  return typeCache.get(e) ?? computeType(e);
}

function computeType(e: Expr): ValueType {
  switch (e.type) {
    case "NumberLiteral":
      return "scalar";
    case "StringLiteral":
      return "string";
    case "VectorSelector":
    case "AggregateExpr":
      return "vector";
    case "MatrixSelector":
    case "SubqueryExpr":
      return "matrix";
    case "Call":
      return FUNCTIONS[e.func]?.returns ?? "vector";
    case "BinaryExpr":
      return chainType(e);
    case "UnaryExpr":
    case "ParenExpr":
      return exprType(e.expr);
  }
}

/** A binary expression's type, from the bottom of its left operands up: a chain nests nothing. */
function chainType(top: BinaryExpr): ValueType {
  const spine: BinaryExpr[] = [];
  let node: Expr = top;
  while (node.type === "BinaryExpr" && !typeCache.has(node)) {
    spine.push(node);
    node = node.lhs;
  }
  let t = exprType(node);
  for (let i = spine.length - 1; i >= 0; i--) {
    t = t === "scalar" && exprType(spine[i].rhs) === "scalar" ? "scalar" : "vector";
    typeCache.set(spine[i], t);
  }
  return t;
}

/** How Prometheus names a type in messages (`DocumentedType`). */
export function documentedType(t: ValueType): string {
  if (t === "vector") return "instant vector";
  if (t === "matrix") return "range vector";
  return t;
}

/** Checks a parsed expression, recording problems in `p`. */
export function checkExpr(p: ParserState, e: Expr, allowEmptySelector = false): ValueType {
  // A chain such as `a + b + … + z` is checked without recursing once per operator.
  const t = e.type === "BinaryExpr" ? checkBinaryChain(p, e) : checkNode(p, e, allowEmptySelector);
  typeCache.set(e, t);
  return t;
}

/** Remembers a type the binary checker found. */
export function rememberType(e: Expr, t: ValueType): void {
  typeCache.set(e, t);
}

function checkNode(p: ParserState, e: Exclude<Expr, BinaryExpr>, allowEmpty: boolean): ValueType {
  switch (e.type) {
    case "AggregateExpr": {
      expectType(p, e.expr, "vector", "aggregation expression");
      const param = AGGREGATIONS[e.op].param;
      if (param !== null && e.param !== null)
        expectType(p, e.param, param, "aggregation parameter");
      break;
    }
    case "Call":
      checkCall(p, e);
      break;
    case "ParenExpr":
      return checkExpr(p, e.expr);
    case "UnaryExpr": {
      const inner = checkExpr(p, e.expr);
      if (inner !== "scalar" && inner !== "vector") {
        const got = goQuote(documentedType(inner));
        p.report(
          e.span,
          `unary expression only allowed on expressions of type scalar or instant vector, got ${got}`,
        );
      }
      return inner;
    }
    case "SubqueryExpr": {
      const inner = checkExpr(p, e.expr);
      if (inner !== "vector")
        p.report(e.span, `subquery is only allowed on instant vector, got ${inner} instead`);
      break;
    }
    case "MatrixSelector":
      checkExpr(p, e.vector);
      break;
    case "VectorSelector":
      checkSelector(p, e, allowEmpty);
      break;
  }
  return computeType(e);
}

function expectType(p: ParserState, e: Expr, want: ValueType, context: string): void {
  const got = checkExpr(p, e);
  if (got !== want) {
    p.report(
      e.span,
      `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`,
    );
  }
}

function checkSelector(p: ParserState, vs: VectorSelector, allowEmpty: boolean): void {
  if (vs.name !== "") {
    // The last matcher is the name written before the braces.
    for (const m of vs.matchers.slice(0, -1)) {
      if (m.name === "__name__") {
        const names = `${goQuote(vs.name)} or ${goQuote(m.value)}`;
        p.report(vs.span, `metric name must not be set twice: ${names}`);
      }
    }
    return;
  }
  if (allowEmpty || vs.matchers.some((m) => !matchesEmpty(m))) return;
  p.report(vs.span, "vector selector must contain at least one non-empty matcher");
}

function checkCall(p: ParserState, call: Call): void {
  const f = FUNCTIONS[call.func];
  const n = call.args.length;
  const name = goQuote(call.func);
  if (f.variadic === 0) {
    if (n !== f.args.length) {
      p.report(call.span, `expected ${f.args.length} argument(s) in call to ${name}, got ${n}`);
    }
  } else if (f.args.length - 1 > n) {
    p.report(
      call.span,
      `expected at least ${f.args.length - 1} argument(s) in call to ${name}, got ${n}`,
    );
  } else if (f.variadic > 0 && f.args.length - 1 + f.variadic < n) {
    const most = f.args.length - 1 + f.variadic;
    p.report(call.span, `expected at most ${most} argument(s) in call to ${name}, got ${n}`);
  }
  if (call.func === "info" && n > 1) checkInfoSelector(p, call);
  for (let i = 0; i < n; i++) {
    if (i >= f.args.length && f.variadic === 0) break;
    const want = f.args[Math.min(i, f.args.length - 1)];
    const arg = call.args[i];
    const got = checkExpr(p, arg, call.func === "info" && i === 1);
    if (got !== want) {
      const wanted = documentedType(want);
      p.report(
        arg.span,
        `expected type ${wanted} in call to function ${name}, got ${documentedType(got)}`,
      );
    }
  }
}

/** `info`'s second argument must be a bare label selector such as `{k8s_cluster=~".+"}`. */
function checkInfoSelector(p: ParserState, call: Call): void {
  const arg = call.args[1];
  const t = exprType(arg);
  if (t !== "vector") {
    p.report(
      call.span,
      `expected type instant vector in call to function "info", got ${documentedType(t)}`,
    );
  }
  if (arg.type !== "VectorSelector") p.report(arg.span, "expected label selectors only");
  else if (arg.name !== "")
    p.report(arg.span, "expected label selectors only, got vector selector instead");
}
