/**
 * Function calls, aggregations and label lists (`by (…)`, `on (…)`, `group_left (…)`).
 * An aggregation's modifier may come before or after its arguments; its arguments are
 * checked in number here and in type by check.ts, as Prometheus splits them.
 */

import { goQuote, unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import type { AggregateExpr, AggregateOp, Call, Expr } from "./ast.ts";
import { AGGREGATIONS, FUNCTIONS } from "./functions.ts";
import { parseExpression, startsExpression } from "./parse_expr.ts";
import type { ParserState } from "./state.ts";
import { isLabelWord, type Token } from "./tokens.ts";

/**
 * Prometheus 2's name of `double_exponential_smoothing`, renamed in Prometheus 3: rule files
 * and dashboards written for Prometheus 2 keep working (the call is read as the new name).
 */
const HOLT_WINTERS = "holt_winters";

/** A function call; `name` has been read and `(` is next. */
export function parseCall(p: ParserState, name: Token): Call {
  const { args, end } = parseArguments(p);
  const span = { start: name.start, end };
  if (name.text === HOLT_WINTERS)
    return { type: "Call", func: "double_exponential_smoothing", args, span };
  const signature = Object.hasOwn(FUNCTIONS, name.text) ? FUNCTIONS[name.text] : undefined;
  if (signature === undefined) {
    p.report(name, `unknown function with name ${goQuote(name.text)}`);
  } else if (signature.experimental && !p.experimentalFunctions) {
    p.report(name, `function ${goQuote(name.text)} is not enabled`);
  }
  return { type: "Call", func: name.text, args, span };
}

/** `(arg, …)`: the arguments and the end of the closing parenthesis. */
function parseArguments(p: ParserState): { args: Expr[]; end: number } {
  p.next();
  const args: Expr[] = [];
  if (!p.at("RIGHT_PAREN")) {
    for (;;) {
      args.push(parseExpression(p, 0));
      if (!p.at("COMMA")) break;
      const comma = p.next();
      if (!startsExpression(p.peek().kind)) {
        p.report(comma, "trailing commas not allowed in function call args");
        if (!p.at("COMMA")) break;
        p.next();
      }
    }
  }
  if (!p.at("RIGHT_PAREN")) p.unexpected();
  return { args, end: p.next().end };
}

/** An aggregation; its operator has been read and `(`, `by` or `without` is next. */
export function parseAggregation(p: ParserState, opToken: Token): AggregateExpr {
  return p.within("aggregation", "", () => {
    let grouping: readonly string[] = [];
    let without = false;
    let modifierFirst = false;
    const modifier = () => {
      without = p.next().kind === "WITHOUT";
      const labels = parseGroupingLabels(p);
      grouping = labels.labels;
      return labels.end;
    };
    if (p.at("BY") || p.at("WITHOUT")) {
      modifier();
      modifierFirst = true;
    }
    if (!p.at("LEFT_PAREN")) p.unexpected();
    let { args, end } = parseArguments(p);
    if (!modifierFirst && (p.at("BY") || p.at("WITHOUT"))) end = modifier();
    const op = opToken.text.toLowerCase() as AggregateOp;
    const span = { start: opToken.start, end };
    return aggregate(p, op, args, { grouping, without, span });
  });
}

/** Checks an aggregation's argument count (`newAggregateExpr`) and builds it. */
function aggregate(
  p: ParserState,
  op: AggregateOp,
  args: readonly Expr[],
  rest: Pick<AggregateExpr, "grouping" | "without" | "span">,
): AggregateExpr {
  // What is returned after a reported problem is never used: parsing then fails.
  const invalid = (reason: string): AggregateExpr => {
    p.report(rest.span, reason);
    const expr: Expr = args[0] ?? { type: "NumberLiteral", value: 0, span: rest.span };
    return { type: "AggregateExpr", op, expr, param: null, ...rest };
  };
  if (args.length === 0) return invalid("no arguments for aggregate expression provided");
  const signature = AGGREGATIONS[op];
  const wanted = signature.param === null ? 1 : 2;
  if (signature.experimental && !p.experimentalFunctions) {
    return invalid(
      `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
    );
  }
  if (args.length !== wanted) {
    return invalid(
      `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
    );
  }
  const param = wanted === 2 ? args[0] : null;
  return { type: "AggregateExpr", op, expr: args[wanted - 1], param, ...rest };
}

/** `(label, …)` after `by`, `without`, `on`, `ignoring`, `group_left` or `group_right`. */
export function parseGroupingLabels(p: ParserState): { labels: string[]; end: number } {
  if (!p.at("LEFT_PAREN")) p.unexpected("grouping opts", '"("');
  p.next();
  const labels: string[] = [];
  while (!p.at("RIGHT_PAREN")) {
    labels.push(parseGroupingLabel(p));
    if (p.at("RIGHT_PAREN")) break;
    if (!p.at("COMMA")) p.unexpected("grouping opts", '"," or ")"');
    p.next();
  }
  return { labels, end: p.next().end };
}

function parseGroupingLabel(p: ParserState): string {
  const t = p.peek();
  if (isLabelWord(t.kind)) return p.next().text;
  if (t.kind !== "STRING") p.unexpected("grouping opts", "label");
  p.next();
  const name = unquote(t.text);
  if (name === "" || !name.isWellFormed()) {
    p.report(t, `invalid label name for grouping: ${goQuote(name)}`);
  }
  return name;
}
