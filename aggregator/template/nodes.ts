/**
 * The parse tree of a template, shaped as Go's text/template/parse nodes, and their text
 * (`nodeString`) as Go prints a node in an error's `at <…>`.
 */

/** Where a node starts: offset in the template text and the tree (for its text and name). */
interface At {
  pos: number;
}

/** A list of nodes: a template body or a branch. */
export interface ListNode extends At {
  kind: "list";
  nodes: Node[];
}
/** Plain text. */
export interface TextNode extends At {
  kind: "text";
  text: string;
}
/** `{{pipeline}}`. */
export interface ActionNode extends At {
  kind: "action";
  line: number;
  pipe: PipeNode;
}
/** `$x := cmd | cmd`. */
export interface PipeNode extends At {
  kind: "pipe";
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
/** One command of a pipeline: an operand and its arguments. */
export interface CommandNode extends At {
  kind: "command";
  args: Node[];
}
/** A function name. */
export interface IdentifierNode extends At {
  kind: "identifier";
  ident: string;
}
/** `$x.A.B`. */
export interface VariableNode extends At {
  kind: "variable";
  ident: string[];
}
/** `.A.B`. */
export interface FieldNode extends At {
  kind: "field";
  ident: string[];
}
/** `(pipeline).A.B`. */
export interface ChainNode extends At {
  kind: "chain";
  node: Node;
  field: string[];
}
/** `.`, `nil`, `true`/`false`. */
export interface SimpleNode extends At {
  kind: "dot" | "nil" | "break" | "continue";
}
/** `true` or `false`. */
export interface BoolNode extends At {
  kind: "bool";
  value: boolean;
}
/** A number literal with its readings, as Go's NumberNode. */
export interface NumberNode extends At {
  kind: "number";
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
}
/** A string literal: its source text and value. */
export interface StringNode extends At {
  kind: "string";
  quoted: string;
  text: string;
}
/** `if`, `range`, `with`: a pipeline, a body and an else branch. */
export interface BranchNode extends At {
  kind: "if" | "range" | "with";
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
/** `{{template "name" pipeline}}`. */
export interface TemplateNode extends At {
  kind: "template";
  line: number;
  name: string;
  pipe: PipeNode | null;
}
/** `{{end}}` and `{{else}}` while parsing; never in a finished tree. */
export interface EndNode extends At {
  kind: "end" | "else";
}

/** Any node of the tree. */
export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | PipeNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | FieldNode
  | ChainNode
  | SimpleNode
  | BoolNode
  | NumberNode
  | StringNode
  | BranchNode
  | TemplateNode
  | EndNode;

/** A node's text as Go's `String()` writes it. */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case "list":
      return n.nodes.map(nodeString).join("");
    case "text":
      return JSON.stringify(n.text);
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "pipe": {
      let s = "";
      if (n.decl.length > 0) s = `${n.decl.map(nodeString).join(", ")} ${n.isAssign ? "=" : ":="} `;
      return s + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args
        .map((a) => (a.kind === "pipe" ? `(${nodeString(a)})` : nodeString(a)))
        .join(" ");
    case "identifier":
      return n.ident;
    case "variable":
      return n.ident.join(".");
    case "field":
      return n.ident.map((f) => `.${f}`).join("");
    case "chain": {
      const inner = n.node.kind === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => `.${f}`).join("");
    }
    case "dot":
      return ".";
    case "nil":
    case "break":
    case "continue":
      return n.kind === "nil" ? "nil" : `{{${n.kind}}}`;
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "if":
    case "range":
    case "with": {
      const body = nodeString(n.list);
      const other = n.elseList ? `{{else}}${nodeString(n.elseList)}` : "";
      return `{{${n.kind} ${nodeString(n.pipe)}}}${body}${other}{{end}}`;
    }
    case "template":
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case "end":
    case "else":
      return `{{${n.kind}}}`;
  }
}
