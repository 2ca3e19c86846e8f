/**
 * The template API: {@link parseTemplate} compiles Go text/template source with a set of
 * functions, and {@link Template.execute} runs it. Execution is async because a function may
 * be (Prometheus's `query` asks the PromQL engine); everything else completes without waiting.
 */
import { builtins } from "./builtins.ts";
import { TemplateError } from "./errors.ts";
import { defaultLimits, execute, type Limits, type MissingKey, type Run } from "./exec.ts";
import type { FuncMap } from "./func.ts";
import { HtmlContext } from "./html_context.ts";
import { parse, type Tree } from "./parse.ts";
import type { Value } from "./values.ts";

/** Options of {@link parseTemplate}. */
export interface TemplateOptions {
  /** Functions besides Go's builtins (which they may replace, as Go allows). */
  funcs?: FuncMap;
  /** Go's `missingkey` option: what a missing map key gives (default: "no value"). */
  missingKey?: MissingKey;
  /** Bounds on each execution. */
  limits?: Partial<Limits>;
}

/** A parsed template and the ones it defines; run it with {@link Template.execute}. */
export class Template {
  constructor(
    /** The name of the main template. */
    readonly name: string,
    private readonly trees: Map<string, Tree>,
    private readonly funcs: FuncMap,
    private readonly missingKey: MissingKey,
    private readonly limits: Limits,
  ) {}

  /** Names of every template in the set (the main one and those it defines). */
  get names(): string[] {
    return [...this.trees.keys()];
  }

  /** Adds the templates that `text` defines (Go's `Template.New(name).Parse`), replacing same-named ones. */
  parse(name: string, text: string): this {
    const trees = parse(name, text, (f) => f in this.funcs);
    for (const [n, tree] of trees) this.trees.set(n, tree);
    return this;
  }

  /**
   * The same parsed set run with `funcs` (functions of the same names, bound to other data):
   * a cached parse reused by every execution. The parsed trees are shared, never changed.
   */
  withFuncs(funcs: FuncMap): Template {
    return new Template(
      this.name,
      this.trees,
      { ...builtins, ...funcs },
      this.missingKey,
      this.limits,
    );
  }

  /**
   * The same parse under another name, as if parsed under it (error texts name it), or null
   * when the set holds more than its main template: a `define` could then be reached by name.
   * The parsed tree is shared, never changed.
   */
  renamed(name: string): Template | null {
    const main = this.trees.get(this.name);
    if (!main || this.trees.size !== 1) return null;
    const trees = new Map([[name, { ...main, name, parseName: name }]]);
    return new Template(name, trees, this.funcs, this.missingKey, this.limits);
  }

  /** A copy of the set that {@link Template.parse} can extend without changing this one. */
  clone(): Template {
    return new Template(this.name, new Map(this.trees), this.funcs, this.missingKey, this.limits);
  }

  /**
   * Runs the main template (or the one named `name`) on `data`; throws TemplateError. With
   * `html`, every action's output is escaped as html/template escapes HTML text, and in a URL
   * attribute as it escapes URLs there (an approximation of html/template: html_context.ts).
   */
  async execute(data: Value, name = this.name, options: { html?: boolean } = {}): Promise<string> {
    const run: Run = {
      trees: this.trees,
      funcs: this.funcs,
      missingKey: this.missingKey,
      limits: this.limits,
      out: [],
      size: 0,
      steps: 0,
      html: options.html,
      htmlContext: options.html ? new HtmlContext() : undefined,
    };
    await execute(run, name, data);
    return run.out.join("");
  }
}

/** Parses Go text/template source; throws {@link TemplateError} (`template: name:line: …`). */
export function parseTemplate(name: string, text: string, options: TemplateOptions = {}): Template {
  const funcs = { ...builtins, ...options.funcs };
  const trees = parse(name, text, (f) => f in funcs);
  const limits = { ...defaultLimits, ...options.limits };
  return new Template(name, trees, funcs, options.missingKey ?? "default", limits);
}

export { TemplateError };
