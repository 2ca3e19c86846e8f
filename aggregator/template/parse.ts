/**
 * The parser of Go's text/template: tokens from lex.ts into trees, one per template name
 * (the main one and each `define`/`block`), with Go's checks and messages: undefined functions
 * and variables, `{{break}}` outside `{{range}}`, empty pipelines, …
 */
import { TemplateError } from "./errors.ts";
import { type Item, lex } from "./lex.ts";
import type {
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from "./nodes.ts";
import { fitsInt64, fitsUint64, parseGoFloat, parseInteger, unquote } from "./unquote.ts";

/** A parsed template body and its name. */
export interface Tree {
  name: string;
  root: ListNode;
  /** The text the tree was parsed from and the name it was parsed under, for error positions. */
  text: string;
  parseName: string;
}

/** Parses `text` into its trees (the main one under `name`), checking functions against `hasFunc`. */
export function parse(
  name: string,
  text: string,
  hasFunc: (f: string) => boolean,
): Map<string, Tree> {
  const trees = new Map<string, Tree>();
  new Parser(name, text, lex(text), hasFunc, trees).parseAll();
  return trees;
}

class Parser {
  i = 0;
  line = 1;
  vars: string[] = ["$"];
  rangeDepth = 0;
  actionLine = 0;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly items: Item[],
    readonly hasFunc: (f: string) => boolean,
    readonly trees: Map<string, Tree>,
  ) {}

  next(): Item {
    const item = this.items[Math.min(this.i, this.items.length - 1)]!;
    this.i++;
    this.line = item.line;
    return item;
  }
  backup(n = 1): void {
    this.i -= n;
  }
  peek(): Item {
    const item = this.next();
    this.backup();
    return item;
  }
  nextNonSpace(): Item {
    let item = this.next();
    while (item.type === "space") item = this.next();
    return item;
  }
  peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  fail(message: string): never {
    throw new TemplateError(`template: ${this.name}:${this.line}: ${message}`, this.line);
  }

  unexpected(item: Item, context: string): never {
    if (item.type === "error") {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== item.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (item.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.fail(`${item.val}${extra}`);
    }
    this.fail(`unexpected ${itemString(item)} in ${context}`);
  }

  expect(type: Item["type"], context: string, val?: string): Item {
    const item = this.nextNonSpace();
    if (item.type !== type || (val !== undefined && item.val !== val))
      this.unexpected(item, context);
    return item;
  }

  parseAll(): void {
    const root: ListNode = { kind: "list", pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== "eof") {
      if (this.peek().type === "leftDelim") {
        const save = this.i;
        this.next();
        const word = this.nextNonSpace();
        if (word.type === "keyword" && word.val === "define") {
          this.definition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") this.fail(`unexpected {{${n.kind}}}`);
      root.nodes.push(n);
    }
    this.add(this.tree(this.name, root));
  }

  tree(name: string, root: ListNode): Tree {
    return { name, root, text: this.text, parseName: this.name };
  }

  add(tree: Tree): void {
    const old = this.trees.get(tree.name);
    if (old === undefined || isEmptyTree(old.root)) {
      this.trees.set(tree.name, tree);
      return;
    }
    if (!isEmptyTree(tree.root))
      this.fail(`template: multiple definition of template ${JSON.stringify(tree.name)}`);
  }

  /** Runs `body` with the variables and range depth of a fresh template. */
  fresh<T>(body: () => T): T {
    const [vars, depth] = [this.vars, this.rangeDepth];
    this.vars = ["$"];
    this.rangeDepth = 0;
    try {
      return body();
    } finally {
      [this.vars, this.rangeDepth] = [vars, depth];
    }
  }

  definition(): void {
    const context = "define clause";
    const item = this.nextNonSpace();
    if (item.type !== "string" && item.type !== "rawString") this.unexpected(item, context);
    const name = this.unquote(item.val);
    this.expect("rightDelim", context);
    const [root, end] = this.fresh(() => this.itemList());
    if (end.kind !== "end") this.fail(`unexpected {{${end.kind}}} in ${context}`);
    this.add(this.tree(name, root));
  }

  unquote(quoted: string): string {
    try {
      return unquote(quoted);
    } catch {
      this.fail("invalid syntax");
    }
  }

  itemList(): [ListNode, Node] {
    const list: ListNode = { kind: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== "eof") {
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") return [list, n];
      list.nodes.push(n);
    }
    this.fail("unexpected EOF");
  }

  textOrAction(): Node {
    const item = this.nextNonSpace();
    if (item.type === "text") return { kind: "text", pos: item.pos, text: item.val };
    if (item.type === "leftDelim") {
      this.actionLine = item.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    this.unexpected(item, "input");
  }

  action(): Node {
    const item = this.nextNonSpace();
    if (item.type === "keyword") {
      switch (item.val) {
        case "block":
          return this.block();
        case "break":
        case "continue":
          return this.loopControl(item);
        case "else":
          return this.elseControl();
        case "end":
          return { kind: "end", pos: this.expect("rightDelim", "end").pos };
        case "if":
        case "range":
        case "with":
          return this.branch(item.val);
        case "template":
          return this.templateControl();
      }
    }
    this.backup();
    const at = this.peek();
    return {
      kind: "action",
      pos: at.pos,
      line: at.line,
      pipe: this.pipeline("command", "rightDelim"),
    };
  }

  loopControl(item: Item): Node {
    const next = this.nextNonSpace();
    if (next.type !== "rightDelim") this.unexpected(next, `in {{${item.val}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${item.val}}} outside {{range}}`);
    return { kind: item.val as "break" | "continue", pos: item.pos };
  }

  elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === "keyword" && (peek.val === "if" || peek.val === "with"))
      return { kind: "else", pos: peek.pos };
    return { kind: "else", pos: this.expect("rightDelim", "else").pos };
  }

  branch(context: "if" | "range" | "with"): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, "rightDelim");
      if (context === "range") this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === "range") this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.kind === "else") {
        const chained = this.peek();
        // `{{else if x}}` is `{{else}}{{if x}}…{{end}}` sharing the outer {{end}}; so is `else with`.
        if (context !== "range" && chained.type === "keyword" && chained.val === context) {
          this.next();
          elseList = { kind: "list", pos: next.pos, nodes: [this.branch(context)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.kind !== "end") this.fail(`expected end; found {{${next.kind}}}`);
        }
      }
      return { kind: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  templateName(item: Item, context: string): string {
    if (item.type !== "string" && item.type !== "rawString") this.unexpected(item, context);
    return this.unquote(item.val);
  }

  templateControl(): TemplateNode {
    const context = "template clause";
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.backup();
      pipe = this.pipeline(context, "rightDelim");
    }
    return { kind: "template", pos: item.pos, line: item.line, name, pipe };
  }

  block(): TemplateNode {
    const context = "block clause";
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    const pipe = this.pipeline(context, "rightDelim");
    const [root, end] = this.fresh(() => this.itemList());
    if (end.kind !== "end") this.fail(`unexpected {{${end.kind}}} in ${context}`);
    this.add(this.tree(name, root));
    return { kind: "template", pos: item.pos, line: item.line, name, pipe };
  }

  pipeline(context: string, end: "rightDelim" | "rightParen"): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: "pipe",
      pos: start.pos,
      line: start.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    this.declarations(pipe, context);
    for (;;) {
      const item = this.nextNonSpace();
      if (item.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (OPERAND_START.has(item.type)) {
        this.backup();
        pipe.cmds.push(this.command());
      } else this.unexpected(item, context);
    }
  }

  declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") return;
      const save = this.i;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      const variable: VariableNode = { kind: "variable", pos: v.pos, ident: v.val.split(".") };
      if (next.type === "assign" || next.type === "declare") {
        pipe.isAssign = next.type === "assign";
        this.nextNonSpace();
        pipe.decl.push(variable);
        if (pipe.isAssign) this.useVar(v.val);
        else this.vars.push(v.val);
        return;
      }
      if (next.type === "char" && next.val === ",") {
        this.nextNonSpace();
        pipe.decl.push(variable);
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === "variable" || t === "rightDelim" || t === "rightParen") continue;
          this.fail("range can only initialize variables");
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.i = save;
      return;
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (["bool", "dot", "nil", "number", "string"].includes(c.args[0]!.kind)) {
        this.fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  command(): CommandNode {
    const cmd: CommandNode = { kind: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const item = this.next();
      if (item.type === "space") continue;
      if (item.type === "rightDelim" || item.type === "rightParen") this.backup();
      else if (item.type !== "pipe") this.unexpected(item, "operand");
      break;
    }
    if (cmd.args.length === 0) this.fail("empty command");
    return cmd;
  }

  operand(): Node | null {
    const node = this.term();
    if (node === null || this.peek().type !== "field") return node;
    const fields: string[] = [];
    // Go gives the node the position of its first chained field.
    const pos = this.peek().pos;
    while (this.peek().type === "field") fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case "field":
        return { kind: "field", pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { kind: "variable", pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        this.fail(`unexpected . after term ${JSON.stringify(termText(node))}`);
    }
    return { kind: "chain", pos, node, field: fields };
  }

  term(): Node | null {
    const item = this.nextNonSpace();
    switch (item.type) {
      case "identifier":
        if (!this.hasFunc(item.val)) this.fail(`function ${JSON.stringify(item.val)} not defined`);
        return { kind: "identifier", pos: item.pos, ident: item.val };
      case "dot":
        return { kind: "dot", pos: item.pos };
      case "nil":
        return { kind: "nil", pos: item.pos };
      case "variable":
        this.useVar(item.val);
        return { kind: "variable", pos: item.pos, ident: item.val.split(".") };
      case "field":
        return { kind: "field", pos: item.pos, ident: item.val.slice(1).split(".") };
      case "bool":
        return { kind: "bool", pos: item.pos, value: item.val === "true" };
      case "charConstant":
      case "number":
        return this.number(item);
      case "leftParen":
        return this.pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString":
        return { kind: "string", pos: item.pos, quoted: item.val, text: this.unquote(item.val) };
    }
    this.backup();
    return null;
  }

  useVar(name: string): void {
    const v = name.split(".")[0]!;
    if (!this.vars.includes(v)) this.fail(`undefined variable ${JSON.stringify(v)}`);
  }

  number(item: Item): NumberNode {
    const n: NumberNode = {
      kind: "number",
      pos: item.pos,
      text: item.val,
      isInt: false,
      isUint: false,
      isFloat: false,
      int: 0n,
      float: 0,
    };
    if (item.type === "charConstant") {
      const rune = BigInt(this.unquote(item.val).codePointAt(0)!);
      return { ...n, isInt: true, isUint: true, isFloat: true, int: rune, float: Number(rune) };
    }
    if (item.val.endsWith("i"))
      this.fail(`complex numbers are not supported: ${JSON.stringify(item.val)}`);
    const int = parseInteger(item.val);
    if (int !== null && fitsUint64(int)) n.isUint = true;
    if (int !== null && fitsInt64(int)) n.isInt = true;
    if (int !== null && (n.isInt || n.isUint)) {
      n.int = int;
      n.isFloat = true;
      n.float = Number(int);
    } else {
      const f = parseGoFloat(item.val);
      if (f !== null) {
        if (!/[.eEpP]/.test(item.val)) this.fail(`integer overflow: ${JSON.stringify(item.val)}`);
        n.isFloat = true;
        n.float = f;
        if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
          n.isInt = true;
          n.int = BigInt(f);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat)
      this.fail(`illegal number syntax: ${JSON.stringify(item.val)}`);
    return n;
  }
}

const OPERAND_START = new Set([
  "bool",
  "charConstant",
  "dot",
  "field",
  "identifier",
  "number",
  "nil",
  "rawString",
  "string",
  "variable",
  "leftParen",
]);

function termText(n: Node): string {
  if (n.kind === "string") return n.quoted;
  if (n.kind === "number") return n.text;
  if (n.kind === "bool") return String(n.value);
  return n.kind === "nil" ? "nil" : ".";
}

/** Go's item String(): `EOF`, a keyword in `<…>`, else the text quoted (cut at 10 characters). */
function itemString(item: Item): string {
  if (item.type === "eof") return "EOF";
  if (item.type === "keyword") return `<${item.val}>`;
  if (item.val.length > 10) return `${JSON.stringify(item.val.slice(0, 10))}...`;
  return JSON.stringify(item.val);
}

/** Go's IsEmptyTree: only spaces (and comments). */
function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === "text" && n.text.trim() === "");
}
