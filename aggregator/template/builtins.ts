/**
 * Go text/template's predefined functions: and, or, not, len, index, slice, eq, ne, lt, le,
 * gt, ge, print, printf, println, html, js, urlquery, call — with Go's comparison rules
 * (`eq 1 1.0` is "incompatible types for comparison") and messages.
 */
import { sprint, sprintf, sprintln } from "./fmt.ts";
import type { FuncMap } from "./func.ts";
import {
  byteLength,
  compareStrings,
  GoDuration,
  GoMap,
  GoStruct,
  stringOf,
  truth,
  typeName,
  underlying,
  type Value,
} from "./values.ts";

const R = "reflect.Value";

type Kind = "bool" | "int" | "float" | "string" | "invalid";

function kindOf(v: Value): Kind {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint" || v instanceof GoDuration) return "int";
  if (typeof v === "number") return "float";
  if (stringOf(v) !== undefined) return "string";
  return "invalid";
}

function scalar(v: Value): Value {
  if (v instanceof GoDuration) return v.nanos;
  return stringOf(v) ?? v;
}

function eq(a: Value, ...rest: Value[]): boolean {
  if (rest.length === 0) throw new Error("missing argument for comparison");
  const k1 = kindOf(a);
  for (const b of rest) {
    const k2 = kindOf(b);
    let same: boolean;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) throw new Error("incompatible types for comparison");
      same = false;
    } else if (k1 !== "invalid") same = scalar(a) === scalar(b);
    else if (a === undefined || b === undefined) same = false;
    else if (a === null || b === null) same = a === b;
    else if (a instanceof GoMap || Array.isArray(a) || b instanceof GoMap || Array.isArray(b)) {
      throw new Error(`non-comparable type ${typeName(b)}`);
    } else same = a === b;
    if (same) return true;
  }
  return false;
}

function lt(a: Value, b: Value): boolean {
  const k1 = kindOf(a);
  const k2 = kindOf(b);
  if (k1 === "invalid" || k2 === "invalid") throw new Error("invalid type for comparison");
  if (k1 !== k2) throw new Error("incompatible types for comparison");
  if (k1 === "bool") throw new Error("invalid type for comparison");
  if (k1 === "string") return compareStrings(stringOf(a)!, stringOf(b)!) < 0;
  return (scalar(a) as number) < (scalar(b) as number);
}

function length(v: Value): bigint {
  if (v === null) throw new Error("len of nil pointer");
  const s = stringOf(v);
  if (s !== undefined) return BigInt(byteLength(s));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof GoMap) return BigInt(v.size);
  throw new Error(`len of type ${typeName(v)}`);
}

function indexArg(i: Value, cap: number): number {
  if (i instanceof GoDuration) i = i.nanos;
  if (i === undefined || i === null) throw new Error("cannot index slice/array with nil");
  if (typeof i !== "bigint") throw new Error(`cannot index slice/array with type ${typeName(i)}`);
  if (i < 0n || i > BigInt(cap)) throw new Error(`index out of range: ${i}`);
  return Number(i);
}

function index(item: Value, ...indexes: Value[]): Value {
  if (item === undefined) throw new Error("index of untyped nil");
  for (const i of indexes) {
    if (item === null) throw new Error("index of nil pointer");
    const s = stringOf(item);
    if (s !== undefined || Array.isArray(item)) {
      const len: number = s !== undefined ? byteLength(s) : (item as Value[]).length;
      const x = indexArg(i, len);
      if (x === len) throw new Error(`index out of range: ${x}`);
      item = s !== undefined ? BigInt(Buffer.from(s, "utf8")[x]!) : (item as Value[])[x];
    } else if (item instanceof GoMap) {
      const type = underlying(item.type);
      const keyType = type.slice(4, type.indexOf("]"));
      const key = keyType === "int" ? (typeof i === "bigint" ? i : undefined) : stringOf(i);
      if (key === undefined) throw new Error(`value has type ${typeName(i)}; should be ${keyType}`);
      item = item.has(key) ? item.get(key) : zeroElem(item);
    } else throw new Error(`can't index item of type ${typeName(item)}`);
  }
  return item;
}

function zeroElem(m: GoMap): Value {
  return underlying(m.type) === "map[string]string" ? "" : null;
}

function slice(item: Value, ...indexes: Value[]): Value {
  if (item === undefined) throw new Error("slice of untyped nil");
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const s = stringOf(item);
  if (s === undefined && !Array.isArray(item))
    throw new Error(`can't slice item of type ${typeName(item)}`);
  if (s !== undefined && indexes.length === 3) throw new Error("cannot 3-index slice a string");
  const len = s !== undefined ? byteLength(s) : (item as Value[]).length;
  const idx = [0, len];
  indexes.forEach((v, i) => {
    idx[i] = indexArg(v, len);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (s !== undefined) return Buffer.from(s, "utf8").subarray(idx[0], idx[1]).toString("utf8");
  return (item as Value[]).slice(idx[0], idx[1]);
}

/** Go's evalArgs for html, js and urlquery: one string as is, else Sprint. */
function evalArgs(args: Value[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(
    args.map((a) => (a instanceof GoStruct && a.pointer ? new GoStruct(a.type, a.fields) : a)),
  );
}

const htmlEscapes: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "'": "&#39;",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};

/** Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => htmlEscapes[c]!);
}

const jsEscapes: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "<": "\\u003C",
  ">": "\\u003E",
  "&": "\\u0026",
  "=": "\\u003D",
};

/** Go's template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (jsEscapes[ch]) out += jsEscapes[ch];
    else if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (r >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch))
      out += `\\u${r.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s.toWellFormed(), "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The predefined functions. */
export const builtins: FuncMap = {
  and: { params: [R, R], variadic: true, fn: () => undefined },
  or: { params: [R, R], variadic: true, fn: () => undefined },
  not: { params: [R], fn: (v) => !truth(v) },
  len: { params: [R], fn: length },
  index: { params: [R, R], variadic: true, fn: index },
  slice: { params: [R, R], variadic: true, fn: slice },
  eq: { params: [R, R], variadic: true, fn: eq },
  ne: { params: [R, R], fn: (a, b) => !eq(a, b) },
  lt: { params: [R, R], fn: lt },
  le: { params: [R, R], fn: (a, b) => lt(a, b) || eq(a, b) },
  gt: { params: [R, R], fn: (a, b) => !(lt(a, b) || eq(a, b)) },
  ge: { params: [R, R], fn: (a, b) => !lt(a, b) },
  print: { params: ["interface {}"], variadic: true, fn: (...a) => sprint(a) },
  printf: {
    params: ["string", "interface {}"],
    variadic: true,
    fn: (f, ...a) => sprintf(f as string, a),
  },
  println: { params: ["interface {}"], variadic: true, fn: (...a) => sprintln(a) },
  html: { params: ["interface {}"], variadic: true, fn: (...a) => htmlEscape(evalArgs(a)) },
  js: { params: ["interface {}"], variadic: true, fn: (...a) => jsEscape(evalArgs(a)) },
  urlquery: { params: ["interface {}"], variadic: true, fn: (...a) => queryEscape(evalArgs(a)) },
  call: {
    params: [R, R],
    variadic: true,
    fn: (f, ...a) => {
      if (f === null || f === undefined) throw new Error("call of nil");
      if (typeof f !== "function") throw new Error(`non-function of type ${typeName(f)}`);
      return f(...a);
    },
  },
};
