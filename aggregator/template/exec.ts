/**
 * The executor of Go's text/template: walks a tree with Go's semantics (truth, variables and
 * their scopes, pipelines passing the previous value as the last argument, field and map-key
 * lookup, argument conversion and checking, `range` over slices, sorted maps and ints) and
 * Go's error messages with their `name:line:col` and `at <node>`. Output, loop steps and
 * template depth are bounded, so a hostile template can neither exhaust memory nor hang.
 */
import { TemplateError } from "./errors.ts";
import { evalArg, type Scope, validateType } from "./exec_args.ts";
import { formatValue } from "./fmt.ts";
import { type Final, type FuncMap, MISSING, type TemplateFunc } from "./func.ts";
import type { HtmlContext } from "./html_context.ts";
import { methodOf } from "./methods.ts";
import {
  type BranchNode,
  type CommandNode,
  type Node,
  nodeString,
  type PipeNode,
} from "./nodes.ts";
import type { Tree } from "./parse.ts";
import {
  elemType,
  GoMap,
  GoString,
  GoStruct,
  sortedKeys,
  truth,
  typeName,
  underlying,
  type Value,
  zeroOf,
} from "./values.ts";

/** What a map lookup of a missing key gives: Go's `missingkey=default|zero|error`. */
export type MissingKey = "default" | "invalid" | "zero" | "error";

/** Bounds on one execution. */
export interface Limits {
  /** Most UTF-16 code units of output (default 1 MiB). */
  maxOutput: number;
  /** Most nodes evaluated, loop iterations included (default 1,000,000). */
  maxSteps: number;
  /** Deepest nesting of `{{template}}` calls (default 1000). */
  maxDepth: number;
}

/** The defaults of {@link Limits}. */
export const defaultLimits: Limits = { maxOutput: 1 << 20, maxSteps: 1_000_000, maxDepth: 1000 };

class Break {}
class Continue {}

/** Everything one execution shares. */
export interface Run {
  trees: Map<string, Tree>;
  funcs: FuncMap;
  missingKey: MissingKey;
  limits: Limits;
  out: string[];
  size: number;
  steps: number;
  /**
   * Escapes every action's output as html/template does in HTML text (see escapeHtmlText),
   * and in a URL attribute as it does there (html_context.ts), tracked by `htmlContext`.
   */
  html?: boolean;
  htmlContext?: HtmlContext;
}

const htmlTextEscapes: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "&": "&amp;",
  "'": "&#39;",
  "+": "&#43;",
  "<": "&lt;",
  ">": "&gt;",
};

/** html/template's escaper for a value printed in HTML text (it escapes `+` too). */
export function escapeHtmlText(s: string): string {
  return s.replace(/[\0"&'+<>]/g, (c) => htmlTextEscapes[c]!);
}

/** Runs the template `name` of `run.trees` on `data`, appending to `run.out`. */
export async function execute(run: Run, name: string, data: Value): Promise<void> {
  const tree = run.trees.get(name);
  if (!tree)
    throw new TemplateError(
      `template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`,
    );
  const state = new State(run, tree, [{ name: "$", value: data }], 0);
  await state.walk(data, tree.root);
}

/** One template's execution: its tree, variables and the node being evaluated. */
export class State implements Scope {
  node: Node | null = null;

  constructor(
    readonly run: Run,
    readonly tree: Tree,
    readonly vars: { name: string; value: Value }[],
    readonly depth: number,
  ) {}

  /** Records the node being evaluated, for error messages. */
  at(node: Node): void {
    this.node = node;
  }

  /** Throws Go's execution error at the current node. */
  fail(message: string): never {
    const name = this.tree.name;
    if (this.node === null) throw new TemplateError(`template: ${name}: ${message}`);
    const { location, line } = this.location(this.node);
    const context = nodeString(this.node);
    throw new TemplateError(
      `template: ${location}: executing ${JSON.stringify(name)} at <${context}>: ${message}`,
      line,
    );
  }

  location(node: Node): { location: string; line: number } {
    const before = this.tree.text.slice(0, node.pos);
    const nl = before.lastIndexOf("\n");
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = Buffer.byteLength(before.slice(nl + 1).toWellFormed(), "utf8");
    return { location: `${this.tree.parseName}:${line}:${col}`, line };
  }

  step(): void {
    if (++this.run.steps > this.run.limits.maxSteps) {
      this.fail(`exceeded the limit of ${this.run.limits.maxSteps} steps`);
    }
  }

  write(text: string): void {
    this.run.size += text.length;
    if (this.run.size > this.run.limits.maxOutput) {
      this.fail(`output exceeds the limit of ${this.run.limits.maxOutput} characters`);
    }
    this.run.out.push(text);
  }

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
  }

  async walk(dot: Value, node: Node): Promise<void> {
    this.step();
    this.at(node);
    switch (node.kind) {
      case "action": {
        const value = await this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case "break":
        throw new Break();
      case "continue":
        throw new Continue();
      case "if":
      case "with":
        return this.walkIfOrWith(dot, node);
      case "list":
        for (const n of node.nodes) await this.walk(dot, n);
        return;
      case "range":
        return this.walkRange(dot, node);
      case "template":
        return this.walkTemplate(dot, node);
      case "text":
        this.run.htmlContext?.literal(node.text);
        this.write(node.text);
        return;
    }
    this.fail(`unknown node: ${nodeString(node)}`);
  }

  async walkIfOrWith(dot: Value, node: BranchNode): Promise<void> {
    const mark = this.mark();
    try {
      const value = await this.evalPipeline(dot, node.pipe);
      if (truth(value)) await this.walk(node.kind === "with" ? value : dot, node.list);
      else if (node.elseList) await this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  async walkRange(dot: Value, node: BranchNode): Promise<void> {
    this.at(node);
    const mark = this.mark();
    try {
      let value = await this.evalPipeline(dot, node.pipe);
      if (value instanceof GoStruct && value.pointer)
        value = new GoStruct(value.type, value.fields);
      const entries = this.rangeEntries(value);
      const inner = this.mark();
      for (const [key, elem] of entries) {
        this.step();
        if (node.pipe.decl.length > 0)
          this.vars[inner - (node.pipe.decl.length > 1 ? 2 : 1)]!.value =
            node.pipe.decl.length > 1 ? key : elem;
        if (node.pipe.decl.length > 1) this.vars[inner - 1]!.value = elem;
        try {
          await this.walk(elem, node.list);
        } catch (e) {
          if (e instanceof Break) break;
          if (!(e instanceof Continue)) throw e;
        } finally {
          this.pop(inner);
        }
      }
      if (entries.length === 0 && node.elseList) await this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  rangeEntries(value: Value): [Value, Value][] {
    if (Array.isArray(value)) return value.map((e, i) => [BigInt(i), e]);
    if (value instanceof GoMap) return sortedKeys(value).map((k) => [k, value.get(k)]);
    if (value === undefined || value === null) return [];
    if (typeof value === "bigint") {
      if (value > BigInt(this.run.limits.maxSteps))
        this.fail(`range over ${value} exceeds the step limit`);
      return Array.from({ length: Number(value > 0n ? value : 0n) }, (_, i) => [
        BigInt(i),
        BigInt(i),
      ]);
    }
    this.fail(
      `range can't iterate over ${formatValue(value, "v", { plus: false, minus: false, sharp: false, space: false, zero: false }, 0)}`,
    );
  }

  async walkTemplate(dot: Value, node: Extract<Node, { kind: "template" }>): Promise<void> {
    this.at(node);
    const tree = this.run.trees.get(node.name);
    if (!tree) this.fail(`template ${JSON.stringify(node.name)} not defined`);
    if (this.depth >= this.run.limits.maxDepth)
      this.fail(`exceeded maximum template depth (${this.run.limits.maxDepth})`);
    const value = node.pipe ? await this.evalPipeline(dot, node.pipe) : undefined;
    const inner = new State(this.run, tree, [{ name: "$", value }], this.depth + 1);
    await inner.walk(value, tree.root);
  }

  printValue(node: Node, value: Value): void {
    this.at(node);
    if (typeof value === "function") this.fail(`can't print ${nodeString(node)} of type func`);
    if (value === undefined) {
      this.write("<no value>");
      return;
    }
    if (value instanceof GoStruct && value.pointer) value = new GoStruct(value.type, value.fields);
    const text = formatValue(
      value,
      "v",
      { plus: false, minus: false, sharp: false, space: false, zero: false },
      0,
    );
    const safe = value instanceof GoString && value.type === "template.HTML";
    if (!this.run.html) {
      this.write(text);
      return;
    }
    const context = this.run.htmlContext;
    if (safe) context?.literal(text);
    if (safe || !context) {
      this.write(safe ? text : escapeHtmlText(text));
      return;
    }
    this.write(context.escape(text, escapeHtmlText, endsInUrlquery(node)));
  }

  /** Evaluates a pipeline and declares or assigns its variables. */
  async evalPipeline(dot: Value, pipe: PipeNode): Promise<Value> {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = await this.evalCommand(dot, cmd, value);
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, result);
      else this.vars.push({ name: v.ident[0]!, value: result });
    }
    return result;
  }

  setVar(name: string, value: Value): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  varValue(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.fail(`undefined variable: ${name}`);
  }

  async evalCommand(dot: Value, cmd: CommandNode, final: Final): Promise<Value> {
    this.step();
    const first = cmd.args[0]!;
    switch (first.kind) {
      case "field":
        this.at(first);
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case "chain": {
        this.at(first);
        if (first.node.kind === "nil")
          this.fail(`indirection through explicit nil in ${nodeString(first)}`);
        const receiver = await evalArg(this, dot, null, first.node);
        return this.evalFieldChain(dot, receiver, first, first.field, cmd.args, final);
      }
      case "identifier":
        return this.evalFunction(dot, first.ident, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable": {
        const value = this.varValue(first.ident[0]!);
        if (first.ident.length === 1) {
          this.notAFunction(cmd.args, final);
          return value;
        }
        return this.evalFieldChain(dot, value, first, first.ident.slice(1), cmd.args, final);
      }
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        return this.fail("nil is not a command");
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    this.fail(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  /** Go's idealConstant: an untyped number literal as an int or a float64. */
  idealConstant(n: Extract<Node, { kind: "number" }>): Value {
    this.at(n);
    const floatText =
      /[.eEpP]/.test(n.text) && !/^[+-]?0[xX]/.test(n.text) && !n.text.startsWith("'");
    if (n.isFloat && floatText) return n.float;
    if (n.isInt) return n.int;
    if (n.isUint) this.fail(`${n.text} overflows int`);
    return n.float;
  }

  notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.fail(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  async evalFieldChain(
    dot: Value,
    receiver: Value,
    node: Node,
    ident: string[],
    args: Node[],
    final: Final,
  ): Promise<Value> {
    for (let i = 0; i < ident.length; i++) {
      const last = i === ident.length - 1;
      const method = methodOf(receiver, ident[i]!);
      if (method)
        receiver = await this.callMethod(
          dot,
          ident[i]!,
          method,
          receiver,
          node,
          last ? args : [],
          last ? final : MISSING,
        );
      else
        receiver = this.evalField(
          ident[i]!,
          node,
          last ? args : [],
          last ? final : MISSING,
          receiver,
        );
    }
    return receiver;
  }

  async callMethod(
    dot: Value,
    name: string,
    m: TemplateFunc,
    t: Value,
    node: Node,
    args: Node[],
    final: Final,
  ): Promise<Value> {
    const rest = args.slice(1);
    const numIn = rest.length + (final === MISSING ? 0 : 1);
    if (numIn !== m.params.length)
      this.fail(`wrong number of args for ${name}: want ${m.params.length} got ${numIn}`);
    const argv: Value[] = [t];
    for (let i = 0; i < rest.length; i++)
      argv.push(await evalArg(this, dot, m.params[i]!, rest[i]!));
    if (final !== MISSING) argv.push(validateType(this, final, m.params[numIn - 1]!));
    this.at(node);
    return m.fn(...argv);
  }

  evalField(name: string, node: Node, args: Node[], final: Final, receiver: Value): Value {
    this.at(node);
    if (receiver === undefined) {
      if (this.run.missingKey === "error")
        this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    if (receiver instanceof GoStruct) {
      if (name in receiver.fields) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields[name];
      }
    } else if (receiver instanceof GoMap && underlying(receiver.type).startsWith("map[string]")) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (receiver.has(name)) return receiver.get(name);
      if (this.run.missingKey === "zero") return zeroOf(elemType(receiver.type));
      if (this.run.missingKey === "error")
        this.fail(`map has no entry for key ${JSON.stringify(name)}`);
      return undefined;
    } else if (receiver === null) {
      this.fail(`nil pointer evaluating interface {}.${name}`);
    }
    this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  async evalFunction(
    dot: Value,
    name: string,
    ident: Node,
    cmd: Node,
    args: Node[],
    final: Final,
  ): Promise<Value> {
    this.at(ident);
    const fn = this.run.funcs[name];
    if (!fn) this.fail(`${JSON.stringify(name)} is not a defined function`);
    const rest = args.slice(1);
    const numIn = rest.length + (final === MISSING ? 0 : 1);
    const fixed = fn.variadic ? fn.params.length - 1 : fn.params.length;
    if (fn.variadic && numIn < fixed)
      this.fail(`wrong number of args for ${name}: want at least ${fixed} got ${rest.length}`);
    if (!fn.variadic && numIn !== fixed)
      this.fail(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    if (name === "and" || name === "or") return this.andOr(dot, name, rest, final);
    const argv: Value[] = [];
    for (let i = 0; i < rest.length; i++)
      argv.push(await evalArg(this, dot, fn.params[Math.min(i, fn.params.length - 1)]!, rest[i]!));
    if (final !== MISSING) {
      const t =
        !fn.variadic || numIn - 1 < fixed
          ? fn.params[numIn - 1]!
          : fn.params[fn.params.length - 1]!;
      argv.push(validateType(this, final, t));
    }
    try {
      return await fn.fn(...argv);
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      this.at(cmd);
      this.fail(`error calling ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async andOr(dot: Value, name: string, args: Node[], final: Final): Promise<Value> {
    let v: Value;
    for (const arg of args) {
      v = await evalArg(this, dot, "reflect.Value", arg);
      if (truth(v) === (name === "or")) return v;
    }
    if (final !== MISSING) v = final;
    return v;
  }
}

/** Whether an action's pipeline ends in `urlquery` (html/template takes it for its URL escaper). */
function endsInUrlquery(node: Node): boolean {
  if (node.kind !== "action") return false;
  const last = node.pipe.cmds.at(-1)?.args[0];
  return last?.kind === "identifier" && last.ident === "urlquery";
}
