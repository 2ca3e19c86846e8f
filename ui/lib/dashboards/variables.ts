/**
 * Template variables resolved for a time range: each variable's options (queried, listed,
 * computed), its selection (the URL's `var-<name>`, else the saved `current`, else the first
 * option), in dependency order so that a chained variable sees the values of those it uses.
 */
import type { AdhocFilter } from "./adhoc.ts";
import { interpolate, referencedNames, type Scope, type VarValue } from "./interpolate.ts";
import { autoInterval } from "./intervals.ts";
import type { Variable } from "./types.ts";
import {
  applyRegex,
  customOptions,
  fetchValues,
  parseVariableQuery,
  sortOptions,
  type VariableOption,
  type VariableSource,
  variableQueryText,
} from "./variable_query.ts";

/** The value Grafana stores for the All option. */
export const ALL = "$__all";

/** A variable after resolution. */
export interface VariableState {
  variable: Variable;
  /** The options offered, All first when the variable has it. */
  options: VariableOption[];
  /** Selected values (`[ALL]` for All). */
  selected: string[];
  /** Filters of an `adhoc` variable. */
  filters: AdhocFilter[];
  /** Why the options could not be had. */
  error?: string;
}

/** What resolution needs besides the variables. */
export interface ResolveContext {
  range: { from: number; to: number };
  source: VariableSource;
  /** Selections asked for (from the URL or the bar), by variable name. */
  wanted: Record<string, string[]>;
  /** Built-in variables usable in variable queries (`$__range`, …). */
  builtins: Scope;
  /** Query answers by interpolated query, kept across resolutions so unchanged ones are not asked again. */
  cache?: Map<string, Promise<string[]>>;
  /**
   * The selections this browser last resolved, by variable name: a guess of what will be
   * selected, so that chained lookups are asked at once (`prefetchChain`).
   */
  hints?: Record<string, string[]>;
}

const asList = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** The text a variable's options depend on (its query, regex, and datasource). */
function dependencyText(v: Variable): string {
  return [variableQueryText(v), v.regex ?? "", JSON.stringify(v.datasource ?? "")].join("\n");
}

/** The variables ordered so each comes after those it refers to (a cycle keeps the written order). */
export function dependencyOrder(vars: Variable[]): Variable[] {
  const byName = new Map(vars.map((v) => [v.name, v]));
  const out: Variable[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (v: Variable) => {
    if (state.get(v.name) !== undefined) return;
    state.set(v.name, "visiting");
    for (const dep of referencedNames(dependencyText(v))) {
      const d = byName.get(dep);
      if (d && d !== v) visit(d);
    }
    state.set(v.name, "done");
    out.push(v);
  };
  for (const v of vars) visit(v);
  return out;
}

/** The selection: what is wanted if offered, else the saved current, else the first option. */
export function selectCurrent(
  v: Variable,
  options: VariableOption[],
  wanted: string[] | undefined,
): string[] {
  const offered = new Set(options.map((o) => o.value));
  const fits = (vals: string[]) => {
    const all = vals.map((x) => (x === "All" && v.includeAll ? ALL : x));
    const ok = all.filter((x) => offered.has(x));
    return v.multi ? ok : ok.slice(0, 1);
  };
  for (const candidate of [wanted, asList(v.current?.value)]) {
    if (candidate === undefined || candidate.length === 0) continue;
    const ok = fits(candidate);
    if (ok.length > 0) return ok;
  }
  return options.length > 0 ? [options[0].value] : [];
}

/** The value a selection interpolates to. */
export function varValue(s: VariableState, range: { from: number; to: number }): VarValue {
  const v = s.variable;
  const own = s.options.filter((o) => o.value !== ALL).map((o) => o.value);
  if (v.type === "interval") {
    const chosen = s.selected[0] ?? "";
    const value =
      chosen === "auto" || chosen === "$__auto_interval"
        ? autoInterval(range.to - range.from, v.auto_count, v.auto_min)
        : chosen;
    return { values: [value], multi: false, raw: true };
  }
  const multi = Boolean(v.multi || v.includeAll);
  if (s.selected.includes(ALL)) {
    return v.allValue ? { values: own, multi, allValue: v.allValue } : { values: own, multi };
  }
  return { values: s.selected, multi };
}

/** Filters of an adhoc variable: the URL's `key|op|value` entries, else the saved ones. */
function adhocFilters(v: Variable, wanted: string[] | undefined): AdhocFilter[] {
  if (wanted !== undefined) {
    return wanted.flatMap((w) => {
      const [key, operator, ...rest] = w.split("|");
      return key && operator ? [{ key, operator, value: rest.join("|") }] : [];
    });
  }
  return Array.isArray(v.filters) ? (v.filters as AdhocFilter[]) : [];
}

/** Options of one variable that needs no server. */
function staticOptions(v: Variable, scope: Scope): VariableOption[] | undefined {
  const text = interpolate(variableQueryText(v), scope);
  switch (v.type) {
    case "custom":
      return customOptions(text);
    case "constant":
      return [{ text, value: text }];
    case "textbox": {
      const cur = asList(v.current?.value)[0] ?? text;
      return [{ text: cur, value: cur }];
    }
    case "datasource":
      return [{ text: "Outpost", value: "outpost" }];
    case "interval": {
      const opts = customOptions(text);
      return v.auto ? [{ text: "auto", value: "auto" }, ...opts] : opts;
    }
    default:
      return undefined;
  }
}

/** The answer of a `query` variable's interpolated query `text`, asked once per cache key. */
function lookup(v: Variable, text: string, ctx: ResolveContext): Promise<string[]> {
  // refresh 2 is "on time range change": its answers depend on the range; others are for the load.
  const key = v.refresh === 2 ? `${text}\n${ctx.range.from}-${ctx.range.to}` : text;
  let answer = ctx.cache?.get(key);
  if (answer === undefined) {
    answer = fetchValues(parseVariableQuery(text), ctx.source, ctx.range);
    ctx.cache?.set(key, answer);
    answer.catch(() => ctx.cache?.delete(key));
  }
  return answer;
}

/** Options of a `query` variable (answers cached by the interpolated query). */
async function queryOptions(
  v: Variable,
  scope: Scope,
  ctx: ResolveContext,
): Promise<VariableOption[]> {
  const text = interpolate(variableQueryText(v), scope);
  if (text.trim() === "") return [];
  const values = await lookup(v, text, ctx);
  return sortOptions(applyRegex(values, interpolate(v.regex ?? "", scope)), v.sort);
}

/**
 * Asks every `query` variable's lookup at once, its query written with a guess of the
 * selections of the variables it uses: what the URL asks, else what this browser last resolved
 * (`hints`), else the saved `current`, the order in which resolution would pick them. A chain
 * such as Node Exporter Full's (`job` → `nodename` → `node`) then costs one round trip instead
 * of three when the guesses hold. It only fills the cache: resolution reads it by the query as
 * really interpolated, so a wrong guess costs one unused lookup and changes no selection. A
 * guess of All is not followed (its values are the options, not known yet).
 */
function prefetchChain(vars: Variable[], ctx: ResolveContext): void {
  if (ctx.cache === undefined) return;
  const scope: Scope = { ...ctx.builtins };
  for (const v of vars) {
    if (v.type === "adhoc" || v.type === "interval") continue;
    const guess = guessOf(v, ctx.wanted, ctx.hints);
    if (guess) scope[v.name] = { values: guess, multi: Boolean(v.multi || v.includeAll) };
  }
  for (const v of vars) {
    if (v.type !== "query") continue;
    const raw = variableQueryText(v);
    if ([...referencedNames(raw)].some((name) => scope[name] === undefined)) continue;
    const text = interpolate(raw, scope);
    if (text.trim() !== "") lookup(v, text, ctx).catch(() => {});
  }
}

/**
 * The selection variable `v` is guessed to resolve to: the URL's values, then this browser's
 * last (`hints`) and the saved `current` in `order`. A prefetch asks hints first (they hold
 * what the last resolution found offered, where a saved current may be gone); the held page
 * shows current first, as resolution picks it. None for All, whose values are the options,
 * not known before the lookup.
 */
function guessOf(
  v: Variable,
  wanted: Record<string, string[]>,
  hints: Record<string, string[]> | undefined,
  order: "hints first" | "current first" = "hints first",
): string[] | undefined {
  const current = asList(v.current?.value);
  const hint = hints?.[v.name];
  const candidates =
    order === "hints first" ? [wanted[v.name], hint, current] : [wanted[v.name], current, hint];
  const guess = candidates.find((x) => x !== undefined && x.length > 0);
  if (guess === undefined || guess.includes(ALL) || guess.includes("All")) return undefined;
  return v.multi ? guess : guess.slice(0, 1);
}

/**
 * Stand-ins for the variables while they resolve: each with its guessed selection as its only
 * options (`guessOf`; none for All), so that titles read as they will when the guess holds and
 * the bar keeps its place. Nothing is asked with them: the panels are held until resolution.
 */
export function heldStates(
  vars: Variable[],
  wanted: Record<string, string[]>,
  hints: Record<string, string[]> | undefined,
): VariableState[] {
  return vars.map((variable) => {
    const state: VariableState = { variable, options: [], selected: [], filters: [] };
    if (variable.type === "adhoc") state.filters = adhocFilters(variable, wanted[variable.name]);
    else {
      // As resolution picks (the URL's, else the saved current); this browser's last for a
      // variable without a current, whose first option it most likely was.
      state.selected = guessOf(variable, wanted, hints, "current first") ?? [];
      state.options = state.selected.map((value) => ({ text: value, value }));
    }
    return state;
  });
}

/** The selections of resolved variables, as `hints` takes them. */
export function selectionsOf(states: VariableState[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of states) if (s.variable.type !== "adhoc") out[s.variable.name] = s.selected;
  return out;
}

/** Every variable resolved over the range, in the dashboard's order. */
export async function resolveVariables(
  vars: Variable[],
  ctx: ResolveContext,
): Promise<VariableState[]> {
  prefetchChain(vars, ctx);
  const scope: Scope = { ...ctx.builtins };
  const states = new Map<string, VariableState>();
  for (const v of dependencyOrder(vars)) {
    const wanted = ctx.wanted[v.name];
    const state: VariableState = { variable: v, options: [], selected: [], filters: [] };
    if (v.type === "adhoc") {
      state.filters = adhocFilters(v, wanted);
      states.set(v.name, state);
      continue;
    }
    try {
      state.options = staticOptions(v, scope) ?? (await queryOptions(v, scope, ctx));
    } catch (err) {
      state.error = `Cannot get the options of $${v.name}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (v.includeAll && v.type !== "interval") state.options.unshift({ text: "All", value: ALL });
    state.selected =
      v.type === "textbox" && wanted ? wanted.slice(0, 1) : selectCurrent(v, state.options, wanted);
    if (v.type === "textbox" && wanted)
      state.options = [{ text: wanted[0] ?? "", value: wanted[0] ?? "" }];
    scope[v.name] = varValue(state, ctx.range);
    states.set(v.name, state);
  }
  return vars.map((v) => states.get(v.name)!);
}

/** The scope queries are interpolated in: built-ins and every resolved variable. */
export function scopeOf(
  states: VariableState[],
  builtins: Scope,
  range: { from: number; to: number },
): Scope {
  const scope: Scope = { ...builtins };
  for (const s of states)
    if (s.variable.type !== "adhoc") scope[s.variable.name] = varValue(s, range);
  return scope;
}

/** A multi-value selection changed in the bar, as Grafana treats All: picking All drops the other values, picking a value drops All. */
export function withAll(before: string[], after: string[]): string[] {
  if (!after.includes(ALL)) return after;
  return before.includes(ALL) ? after.filter((x) => x !== ALL) : [ALL];
}

/** Every adhoc filter of the dashboard. */
export function allAdhocFilters(states: VariableState[]): AdhocFilter[] {
  return states.flatMap((s) => s.filters);
}
