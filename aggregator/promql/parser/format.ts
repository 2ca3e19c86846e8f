/**
 * Prints a syntax tree back to PromQL as Prometheus does: `exprToString` is its one-line
 * `String()` (printer.go), `formatExpr` the `/api/v1/format_query` output (`Prettify`, i.e.
 * `Pretty(0)` in prettier.go): a node whose one-line form is longer than 100 bytes is split
 * over lines, its children indented by two spaces per level.
 */
import { sortUtf8 } from "../../../shared/model/order.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import type { AggregateExpr, AtModifier, BinaryExpr, Expr, VectorSelector } from "./ast.ts";
import { formatDuration } from "./duration.ts";
import { formatGoFloat, goQuote } from "./go_format.ts";

/** Prometheus's `Expr.String()`: the expression on one line, in canonical form. */
export function exprToString(e: Expr): string {
  return new Printer().text(e);
}

/** Prometheus's `format_query`: one line when it fits in `width` bytes, else split and indented. */
export function formatExpr(e: Expr, width = 100): string {
  const printer = new Printer();
  // Prometheus measures bytes; for ASCII text (the usual case) that is the string length.
  const ascii = /^[\x00-\x7f]*$/.test(printer.text(e));
  const fits = (node: Expr) => {
    const line = printer.text(node);
    return (ascii ? line.length : Buffer.byteLength(line)) <= width;
  };
  return pretty(printer, fits, e, 0);
}

/** Renders each node once, so that the pretty printer's repeated measuring stays linear. */
class Printer {
  private readonly done = new Map<Expr, string>();

  text(e: Expr): string {
    let line = this.done.get(e);
    if (line === undefined) {
      line = this.render(e);
      this.done.set(e, line);
    }
    return line;
  }

  private render(e: Expr): string {
    switch (e.type) {
      case "NumberLiteral":
        return formatGoFloat(e.value);
      case "StringLiteral":
        return goQuote(e.value);
      case "VectorSelector":
        return `${selectorString(e)}${atString(e.at)}${offsetString(e.offset)}`;
      case "MatrixSelector": {
        const vs = e.vector;
        const range = `[${formatDuration(e.range)}]`;
        return `${selectorString(vs)}${range}${atString(vs.at)}${offsetString(vs.offset)}`;
      }
      case "SubqueryExpr":
        return `${this.text(e.expr)}${subquerySuffix(e.range, e.step, e.at, e.offset)}`;
      case "Call":
        return `${e.func}(${e.args.map((a) => this.text(a)).join(", ")})`;
      case "AggregateExpr": {
        const param = e.param === null ? "" : `${this.text(e.param)}, `;
        return `${aggregateHead(e)}(${param}${this.text(e.expr)})`;
      }
      case "BinaryExpr":
        return `${this.text(e.lhs)} ${operatorString(e)} ${this.text(e.rhs)}`;
      case "UnaryExpr":
        return `${e.op}${this.text(e.expr)}`;
      case "ParenExpr":
        return `(${this.text(e.expr)})`;
    }
  }
}

/** Prometheus's `Pretty(level)`. */
function pretty(printer: Printer, fits: (e: Expr) => boolean, e: Expr, level: number): string {
  const indent = "  ".repeat(level);
  if (fits(e)) return e.type === "SubqueryExpr" ? printer.text(e) : indent + printer.text(e);
  const inner = (child: Expr) => pretty(printer, fits, child, level + 1);
  switch (e.type) {
    case "AggregateExpr": {
      const param = e.param === null ? "" : `${inner(e.param)},\n`;
      return `${indent}${aggregateHead(e)}(\n${param}${inner(e.expr)}\n${indent})`;
    }
    case "BinaryExpr":
      return `${inner(e.lhs)}\n${indent}${operatorString(e)}\n${inner(e.rhs)}`;
    case "Call":
      return `${indent}${e.func}(\n${e.args.map(inner).join(",\n")}\n${indent})`;
    case "ParenExpr":
      return `${indent}(\n${inner(e.expr)}\n${indent})`;
    case "SubqueryExpr":
      return `${pretty(printer, fits, e.expr, level)}${subquerySuffix(e.range, e.step, e.at, e.offset)}`;
    case "UnaryExpr":
      return `${indent}${e.op}${pretty(printer, fits, e.expr, level).trim()}`;
    default:
      return indent + printer.text(e);
  }
}

function selectorString(vs: VectorSelector): string {
  const shown: string[] = [];
  for (const m of vs.matchers) {
    // The matcher for the name written before the braces is printed as that name.
    if (m.name === "__name__" && m.type === "=" && m.value === vs.name && m.value !== "") continue;
    shown.push(matcherString(m));
  }
  if (shown.length === 0) return vs.name;
  return `${vs.name}{${sortUtf8(shown).join(",")}}`;
}

function matcherString(m: LabelMatcher): string {
  const name = isLegacyLabelName(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.type}${goQuote(m.value)}`;
}

/** Names that need no quotes: `[a-zA-Z_][a-zA-Z0-9_]*`. */
function isLegacyLabelName(name: string): boolean {
  if (name === "") return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (!letter && !(i > 0 && c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

function atString(at: AtModifier | null): string {
  if (at === null) return "";
  if (at.kind === "timestamp") return ` @ ${(at.ms / 1000).toFixed(3)}`;
  return ` @ ${at.kind}()`;
}

function offsetString(offset: number): string {
  if (offset > 0) return ` offset ${formatDuration(offset)}`;
  if (offset < 0) return ` offset -${formatDuration(-offset)}`;
  return "";
}

function subquerySuffix(
  range: number,
  step: number,
  at: AtModifier | null,
  offset: number,
): string {
  const stepText = step === 0 ? "" : formatDuration(step);
  return `[${formatDuration(range)}:${stepText}]${atString(at)}${offsetString(offset)}`;
}

/** `sum`, `sum by (job) `, `sum without (instance) ` (the trailing space is Prometheus's). */
function aggregateHead(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

function labelList(labels: readonly string[]): string {
  return labels.map((l) => (isLegacyLabelName(l) ? l : goQuote(l))).join(", ");
}

/** The operator with `bool`, `on`/`ignoring (…)` and `group_left`/`group_right (…)`. */
function operatorString(e: BinaryExpr): string {
  let out = e.op + (e.returnBool ? " bool" : "");
  const m = e.matching;
  if (m === null) return out;
  const grouped = m.card === "many-to-one" || m.card === "one-to-many";
  if (m.labels.length > 0 || m.on || grouped) {
    out += ` ${m.on ? "on" : "ignoring"} (${labelList(m.labels)})`;
  }
  if (grouped) {
    out += ` ${m.card === "many-to-one" ? "group_left" : "group_right"} (${labelList(m.include)})`;
  }
  return out;
}
