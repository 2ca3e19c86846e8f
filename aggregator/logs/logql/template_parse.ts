/**
 * The subset of Go's `text/template` that `line_format` and `label_format` templates use:
 * text, `{{ .label }}`, pipelines of function calls (`{{ .a | ToUpper | trunc 5 }}`),
 * parenthesised arguments, string/number/bool constants, `if`/`else if`/`else`/`end`,
 * comments and the `{{-`/`-}}` trim markers. Errors read like Go's
 * (`template: line:1: function "x" not defined`).
 */

/** An operand of a command. */
export type Arg =
  | { readonly t: "field"; readonly name: string }
  | { readonly t: "dot" }
  | { readonly t: "const"; readonly value: string | number | bigint | boolean | null }
  | { readonly t: "fn"; readonly name: string }
  | { readonly t: "pipe"; readonly pipe: Pipe };

/** Commands joined by `|`; each is a function and its arguments, or one operand. */
export type Pipe = readonly (readonly Arg[])[];

/** A template node. */
export type TemplateNode =
  | { readonly t: "text"; readonly text: string }
  | { readonly t: "action"; readonly pipe: Pipe }
  | {
      readonly t: "if";
      readonly branches: readonly { readonly cond: Pipe; readonly body: TemplateNode[] }[];
      readonly otherwise: TemplateNode[];
    };

const TOKEN =
  /\s*(?:(\.[A-Za-z_][A-Za-z0-9_]*)|(\.)|("(?:[^"\\\n]|\\.)*")|(`[^`]*`)|('(?:[^'\\]|\\.)')|([-+]?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))|([A-Za-z_][A-Za-z0-9_]*)|([()|]))/y;

/** Parses a template; `isFunction` says which names are callable. */
export function parseTemplate(
  name: string,
  src: string,
  isFunction: (fn: string) => boolean,
): TemplateNode[] {
  const fail = (message: string): never => {
    throw new SyntaxError(`template: ${name}:1: ${message}`);
  };
  const actions = splitActions(src, fail);
  let i = 0;
  const block = (inIf: boolean): { nodes: TemplateNode[]; end: string } => {
    const nodes: TemplateNode[] = [];
    for (; i < actions.length; i++) {
      const a = actions[i];
      if (a.text !== undefined) {
        if (a.text !== "") nodes.push({ t: "text", text: a.text });
        continue;
      }
      const body = a.action!.trim();
      const word = /^[a-z]+/.exec(body)?.[0] ?? "";
      if (word === "end" || word === "else") {
        if (!inIf) fail(`unexpected {{${word}}}`);
        return { nodes, end: body };
      }
      if (word === "if") {
        nodes.push(parseIf(body.slice(2)));
        continue;
      }
      if (["range", "with", "define", "template", "block"].includes(word) || body.startsWith("$")) {
        fail(`${word || "variables"} is not supported`);
      }
      nodes.push({ t: "action", pipe: parsePipe(body, isFunction, fail) });
    }
    if (inIf) fail("unexpected EOF");
    return { nodes, end: "" };
  };
  const parseIf = (condSrc: string): TemplateNode => {
    const branches = [{ cond: parsePipe(condSrc, isFunction, fail), body: [] as TemplateNode[] }];
    let otherwise: TemplateNode[] = [];
    for (;;) {
      i++;
      const { nodes, end } = block(true);
      if (end.startsWith("else if")) {
        branches.at(-1)!.body = nodes;
        branches.push({ cond: parsePipe(end.slice(7), isFunction, fail), body: [] });
        continue;
      }
      if (end === "else") {
        branches.at(-1)!.body = nodes;
        i++;
        const rest = block(true);
        if (rest.end !== "end") fail(`expected end; found {{${rest.end}}}`);
        otherwise = rest.nodes;
        break;
      }
      if (end !== "end") fail(`unexpected {{${end}}}`);
      branches.at(-1)!.body = nodes;
      break;
    }
    return { t: "if", branches, otherwise };
  };
  return block(false).nodes;
}

/** Splits text and actions, applying trim markers and dropping comments. */
function splitActions(
  src: string,
  fail: (m: string) => never,
): { text?: string; action?: string }[] {
  const out: { text?: string; action?: string }[] = [];
  let pos = 0;
  let trimNext = false;
  for (let open = src.indexOf("{{"); open >= 0; open = src.indexOf("{{", pos)) {
    let text = src.slice(pos, open);
    if (trimNext) text = text.trimStart();
    const trimPrev = /^\{\{-[ \t\r\n]/.test(src.slice(open));
    if (trimPrev) text = text.trimEnd();
    out.push({ text });
    const close = findClose(src, open + 2);
    if (close < 0) fail("unclosed action");
    trimNext = /[ \t\r\n]-$/.test(src.slice(open, close));
    const inner = src.slice(open + (trimPrev ? 3 : 2), close - (trimNext ? 1 : 0)).trim();
    if (!(inner.startsWith("/*") && inner.endsWith("*/"))) out.push({ action: inner });
    pos = close + 2;
  }
  out.push({ text: trimNext ? src.slice(pos).trimStart() : src.slice(pos) });
  return out;
}

/** The index of the `}}` closing an action, skipping quoted strings. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "`") {
      const re = c === '"' ? /"(?:[^"\\]|\\.)*"/y : /`[^`]*`/y;
      re.lastIndex = i;
      if (re.exec(src) === null) return -1;
      i = re.lastIndex - 1;
    } else if (c === "}" && src[i + 1] === "}") {
      return i;
    }
  }
  return -1;
}

/** Go's untyped constants: integers stay integers (bigint), the rest are floats. */
function numberConst(text: string): bigint | number {
  const negative = text[0] === "-";
  const body = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(body)) return Number(text);
  return negative ? -BigInt(body) : BigInt(body);
}

function parsePipe(
  src: string,
  isFunction: (fn: string) => boolean,
  fail: (m: string) => never,
): Pipe {
  let pos = 0;
  const parse = (nested: boolean): Pipe => {
    const commands: Arg[][] = [[]];
    for (;;) {
      if (/^\s*$/.test(src.slice(pos))) {
        if (nested) fail("unclosed left paren");
        break;
      }
      TOKEN.lastIndex = pos;
      const m = TOKEN.exec(src);
      if (m === null) fail(`unexpected "${src.slice(pos).trim()[0]}" in command`);
      pos = TOKEN.lastIndex;
      const [, field, dot, str, raw, char, num, ident, punct] = m!;
      const cmd = commands.at(-1)!;
      if (punct === ")") {
        if (!nested) fail("unexpected right paren");
        break;
      }
      if (punct === "|") {
        if (cmd.length === 0) fail("missing value for command");
        commands.push([]);
      } else if (punct === "(") cmd.push({ t: "pipe", pipe: parse(true) });
      else if (field) cmd.push({ t: "field", name: field.slice(1) });
      else if (dot) cmd.push({ t: "dot" });
      else if (str) cmd.push({ t: "const", value: JSON.parse(str.replace(/\\'/g, "'")) });
      else if (raw) cmd.push({ t: "const", value: raw.slice(1, -1) });
      else if (char)
        cmd.push({
          t: "const",
          value: BigInt(JSON.parse(`"${char.slice(1, -1)}"`).codePointAt(0)),
        });
      else if (num) cmd.push({ t: "const", value: numberConst(num) });
      else if (ident === "true" || ident === "false")
        cmd.push({ t: "const", value: ident === "true" });
      else if (ident === "nil") cmd.push({ t: "const", value: null });
      else if (isFunction(ident)) cmd.push({ t: "fn", name: ident });
      else fail(`function "${ident}" not defined`);
    }
    if (commands.at(-1)!.length === 0) fail("missing value for command");
    return commands;
  };
  return parse(false);
}
