/**
 * Label filter expressions: `level="error"`, `status >= 500`, `latency > 250ms`,
 * `size < 2KB`, joined by `and`, `or`, `,` or nothing, and grouped with parentheses.
 *
 * How they group follows Loki's yacc grammar, not a textbook: `or` binds looser than `and`,
 * but `,` and juxtaposition have no precedence, so yacc shifts past them: `a or b c` is
 * `a or (b and c)` while `a, b or c` is `a and (b or c)`. The operator-stack loop below
 * resolves exactly as yacc does: it reduces only when both operators have a precedence.
 */
import type { CompareOp, LabelFilter } from "./ast.ts";
import { parseMatcher } from "./parse_log.ts";
import { failParse, type TokenStream } from "./token_stream.ts";

type Connective = "and" | "or" | "," | "";

const PRECEDENCE: Readonly<Record<Connective, number>> = { or: 1, and: 2, ",": 0, "": 0 };

const COMPARE: Readonly<Record<string, CompareOp>> = {
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
  "==": "==",
  "=": "==",
  "!=": "!=",
};

/** A whole label filter expression. */
export function parseLabelFilter(ts: TokenStream): LabelFilter {
  const operands: LabelFilter[] = [parseAtom(ts)];
  const ops: Connective[] = [];
  const reduce = () => {
    const right = operands.pop()!;
    const left = operands.pop()!;
    const type = ops.pop() === "or" ? "or" : "and";
    operands.push({ type, left, right });
  };
  for (;;) {
    const next = connective(ts.kind);
    if (next === undefined) break;
    while (ops.length > 0) {
      const top = PRECEDENCE[ops.at(-1)!];
      const incoming = PRECEDENCE[next];
      if (top === 0 || incoming === 0 || top < incoming) break;
      reduce();
    }
    if (next !== "") ts.next();
    ops.push(next);
    operands.push(parseAtom(ts));
  }
  while (ops.length > 0) reduce();
  return operands[0];
}

/** The connective the current token starts, or undefined when the expression ends. */
function connective(kind: string): Connective | undefined {
  if (kind === "and" || kind === "or" || kind === ",") return kind;
  if (kind === "IDENTIFIER" || kind === "(") return "";
  return undefined;
}

function parseAtom(ts: TokenStream): LabelFilter {
  if (ts.accept("(")) {
    const inner = parseLabelFilter(ts);
    ts.expect(")");
    return inner;
  }
  if (ts.kind !== "IDENTIFIER") ts.unexpected(["IDENTIFIER", "("]);
  const op = ts.peek(1).kind;
  const value = ts.peek(2).kind;
  if ((op === "=" || op === "!=") && value === "ip") failParse("ip() filters are not supported");
  if (op === "=~" || op === "!~" || ((op === "=" || op === "!=") && value === "STRING")) {
    return { type: "string", matcher: parseMatcher(ts) };
  }
  const name = ts.next().text;
  const compare = COMPARE[ts.kind];
  if (compare === undefined) ts.unexpected();
  ts.next();
  const unit = ts.peek().kind;
  if (unit === "DURATION" || unit === "BYTES") {
    const type = unit === "DURATION" ? "duration" : "bytes";
    return { type, name, op: compare, value: ts.next().value };
  }
  return { type: "number", name, op: compare, value: parseSignedNumber(ts) };
}

/** `NUMBER`, `+NUMBER` or `-NUMBER` (Loki's literalExpr). */
export function parseSignedNumber(ts: TokenStream): number {
  const sign = ts.kind === "-" ? -1 : 1;
  if (ts.kind === "+" || ts.kind === "-") ts.next();
  else if (ts.kind !== "NUMBER") ts.unexpected(["BYTES", "NUMBER", "DURATION"]);
  return sign * numberOf(ts.expect("NUMBER").text);
}

/** A NUMBER token's value (Go's `strconv.ParseFloat` of the literal). */
export function numberOf(text: string): number {
  const value = Number(text.replaceAll("_", ""));
  if (Number.isNaN(value)) failParse(`unable to parse literal as a float: ${text}`);
  return value;
}
