/**
 * Compiled `line_format`/`label_format` templates. Labels are the data (`.name`); a missing
 * label is the empty string, as with Loki's `missingkey=zero` over a string map.
 */

import { FUNCS, type FuncContext, type TValue, toStr, truth } from "./template_funcs.ts";
import { type Arg, type Pipe, parseTemplate, type TemplateNode } from "./template_parse.ts";

/** A template ready to run; throws an Error when a function fails. */
export type Template = (data: Record<string, string>, ctx: FuncContext) => string;

const isFunction = (name: string) => Object.hasOwn(FUNCS, name);

/** Compiles a template; throws a SyntaxError worded as Go's parse errors. */
export function compileTemplate(name: string, src: string): Template {
  const nodes = parseTemplate(name, src, isFunction);
  // Most templates are text and fields only; join those without the interpreter.
  const simple = nodes.every(
    (n) =>
      n.t === "text" ||
      (n.t === "action" &&
        n.pipe.length === 1 &&
        n.pipe[0].length === 1 &&
        n.pipe[0][0].t === "field"),
  );
  if (simple) {
    const parts = nodes.map((n) =>
      n.t === "text" ? n.text : ((n as { pipe: Pipe }).pipe[0][0] as { name: string }).name,
    );
    const isField = nodes.map((n) => n.t !== "text");
    return (data) => {
      let out = "";
      for (let i = 0; i < parts.length; i++) out += isField[i] ? (data[parts[i]] ?? "") : parts[i];
      return out;
    };
  }
  return (data, ctx) => run(nodes, data, ctx);
}

function run(
  nodes: readonly TemplateNode[],
  data: Record<string, string>,
  ctx: FuncContext,
): string {
  let out = "";
  for (const n of nodes) {
    if (n.t === "text") out += n.text;
    else if (n.t === "action") out += toStr(evalPipe(n.pipe, data, ctx));
    else {
      const taken = n.branches.find((b) => truth(evalPipe(b.cond, data, ctx)));
      out += run(taken?.body ?? n.otherwise, data, ctx);
    }
  }
  return out;
}

function evalPipe(pipe: Pipe, data: Record<string, string>, ctx: FuncContext): TValue {
  let value: TValue | undefined;
  for (const cmd of pipe) {
    const [head, ...rest] = cmd;
    if (head.t === "fn") {
      const args = rest.map((a) => evalArg(a, data, ctx));
      if (value !== undefined) args.push(value);
      value = FUNCS[head.name](args, ctx);
    } else {
      if (rest.length > 0 || value !== undefined)
        throw new Error("can't give argument to non-function");
      value = evalArg(head, data, ctx);
    }
  }
  return value ?? null;
}

function evalArg(a: Arg, data: Record<string, string>, ctx: FuncContext): TValue {
  switch (a.t) {
    case "field":
      return data[a.name] ?? "";
    case "dot":
      return data;
    case "const":
      return a.value;
    case "fn":
      return FUNCS[a.name]([], ctx);
    case "pipe":
      return evalPipe(a.pipe, data, ctx);
  }
}
