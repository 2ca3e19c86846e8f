/**
 * Prints a syntax tree back to PromQL as Prometheus does: `exprToString` is its one-line
 * `String()` (printer.go), `formatExpr` the `/api/v1/format_query` output (`Prettify`, i.e.
 * `Pretty(0)` in prettier.go): a node whose one-line form is longer than 100 bytes is split
 * over lines, its children indented by two spaces per level.
 */

import { goQuote } from "../../../shared/model/go_string.ts";
import { sortUtf8 } from "../../../shared/model/order.ts";
import { formatDuration } from "../../../shared/time/duration.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import type { AggregateExpr, AtModifier, BinaryExpr, Expr, VectorSelector } from "./ast.ts";
import { formatGoFloat } from "./go_format.ts";

/** Prometheus's `Expr.String()`: the expression on one line, in canonical form. */
export function exprToString(e: Expr): string {
  return new Printer().text(e);
}

/**
 * The most characters `formatExpr` writes. Prometheus indents each left operand of a chain one
 * level deeper, so `a + b + … + z` formats to text that grows with the square of its length.
 */
export const MAX_FORMATTED_LENGTH = 64 * 1024 * 1024;

/**
 * Prometheus's `format_query`: one line when it fits in `width` bytes, else split and indented.
 * Throws a RangeError, before writing it, when the text would exceed MAX_FORMATTED_LENGTH.
 */
export function formatExpr(e: Expr, width = 100): string {
  const printer = new Printer();
  // Prometheus measures bytes; for ASCII text (the usual case) that is the string length.
  const ascii = /^[\x00-\x7f]*$/.test(printer.text(e));
  const fits = (node: Expr) => {
    const line = printer.text(node);
    return (ascii ? line.length : Buffer.byteLength(line)) <= width;
  };
  return pretty({ printer, fits, left: MAX_FORMATTED_LENGTH }, e, 0);
}

/** Renders each node once, so that the pretty printer's repeated measuring stays linear. */
class Printer {
  private readonly done = new Map<Expr, string>();

  text(e: Expr): string {
    let line = this.done.get(e);
    if (line === undefined) {
      if (e.type === "BinaryExpr") this.renderLeftOperands(e);
      line = this.render(e);
      this.done.set(e, line);
    }
    return line;
  }

  /** Renders a chain's left operands from the bottom up: `render` then finds each one done. */
  private renderLeftOperands(e: BinaryExpr): void {
    const spine: Expr[] = [];
    for (let node = e.lhs; node.type === "BinaryExpr" && !this.done.has(node); node = node.lhs) {
      spine.push(node);
    }
    for (let i = spine.length - 1; i >= 0; i--) this.done.set(spine[i], this.render(spine[i]));
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

/** What the pretty printer carries: the one-line texts, the width test, characters left. */
interface Pretty {
  readonly printer: Printer;
  readonly fits: (e: Expr) => boolean;
  left: number;
}

/** Counts `text` against the output's limit, and returns it. */
function spend(p: Pretty, text: string): string {
  p.left -= text.length;
  if (p.left < 0) {
    throw new RangeError(
      `Cannot format the query: its formatted text would exceed ${MAX_FORMATTED_LENGTH} characters`,
    );
  }
  return text;
}

/** Prometheus's `Pretty(level)`; every piece of text it writes is counted once by `spend`. */
function pretty(p: Pretty, e: Expr, level: number): string {
  const indent = "  ".repeat(level);
  if (p.fits(e)) {
    return spend(p, e.type === "SubqueryExpr" ? p.printer.text(e) : indent + p.printer.text(e));
  }
  const inner = (child: Expr) => pretty(p, child, level + 1);
  switch (e.type) {
    case "AggregateExpr": {
      const head = spend(p, `${indent}${aggregateHead(e)}(\n`);
      const param = e.param === null ? "" : `${inner(e.param)},\n`;
      return `${head}${param}${inner(e.expr)}${spend(p, `\n${indent})`)}`;
    }
    case "BinaryExpr":
      return prettyChain(p, e, level);
    case "Call": {
      const head = spend(p, `${indent}${e.func}(\n`);
      return `${head}${e.args.map(inner).join(",\n")}${spend(p, `\n${indent})`)}`;
    }
    case "ParenExpr":
      return `${spend(p, `${indent}(\n`)}${inner(e.expr)}${spend(p, `\n${indent})`)}`;
    case "SubqueryExpr":
      return `${pretty(p, e.expr, level)}${spend(p, subquerySuffix(e.range, e.step, e.at, e.offset))}`;
    case "UnaryExpr":
      return `${spend(p, indent + e.op)}${pretty(p, e.expr, level).trim()}`;
    default:
      return spend(p, indent + p.printer.text(e));
  }
}

/**
 * A binary expression that does not fit: its left operand one level deeper, the operator, its
 * right operand one level deeper. Down a chain's left operands in a loop, not by recursion.
 */
function prettyChain(p: Pretty, top: BinaryExpr, level: number): string {
  const spine: BinaryExpr[] = [top];
  let bottom = top.lhs;
  while (bottom.type === "BinaryExpr" && !p.fits(bottom)) {
    spine.push(bottom);
    bottom = bottom.lhs;
  }
  const parts = [pretty(p, bottom, level + spine.length)];
  for (let i = spine.length - 1; i >= 0; i--) {
    const e = spine[i];
    parts.push(spend(p, `\n${"  ".repeat(level + i)}${operatorString(e)}\n`));
    parts.push(pretty(p, e.rhs, level + i + 1));
  }
  return parts.join("");
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
