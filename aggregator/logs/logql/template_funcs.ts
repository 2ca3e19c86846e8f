/**
 * Functions of Loki's `line_format`/`label_format` templates: Go's template built-ins, the
 * Sprig string and math functions Loki exposes, and Loki's own (`__line__`,
 * `__timestamp__`, `bytes`, `duration`, `unixEpoch`, `alignLeft`, …). Arguments convert
 * loosely, as Sprig's do; integers are bigints so that they print as Go prints an int64.
 */

import { expandTemplate } from "../../../shared/regex/expand.ts";
import { parseBytes, parseGoDuration } from "./go_values.ts";
import { compileSearchRegex } from "./regex.ts";

/** A time value (`__timestamp__`), kept in nanoseconds. */
export class GoTime {
  constructor(readonly ns: bigint) {}

  /** Go's `time.Time.String()` in UTC. */
  toString(): string {
    const ms = Number(this.ns / 1_000_000n);
    const iso = new Date(ms).toISOString();
    const frac = (this.ns % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ""} +0000 UTC`;
  }
}

/** A template value. */
export type TValue = string | number | bigint | boolean | null | GoTime | Record<string, string>;

/** What a function sees besides its arguments. */
export interface FuncContext {
  readonly line: string;
  readonly timeNs: bigint;
}

type Func = (args: TValue[], ctx: FuncContext) => TValue;

/** Go's `%v` of a value. */
export function toStr(v: TValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (typeof v === "number") return goFloatV(v);
  if (v === null) return "";
  if (v instanceof GoTime) return v.toString();
  return `map[${Object.keys(v)
    .sort()
    .map((k) => `${k}:${v[k]}`)
    .join(" ")}]`;
}

function goFloatV(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  const s = String(f);
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Sprig's `toInt64`: numbers truncate, text parses (0 when it does not). */
export function toInt(v: TValue): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) return BigInt(v.trim());
  if (typeof v === "string" && Number.isFinite(Number(v)) && v.trim() !== "") {
    return BigInt(Math.trunc(Number(v)));
  }
  return 0n;
}

/** Sprig's `toFloat64`. */
export function toFloat(v: TValue): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** Go's template truth: false, 0, "", nil and empty maps are false. */
export function truth(v: TValue): boolean {
  if (v === null || v === false || v === "" || v === 0 || v === 0n) return false;
  if (typeof v === "object" && !(v instanceof GoTime)) return Object.keys(v).length > 0;
  return true;
}

const s = (v: TValue) => toStr(v);
const cut = (str: string, set: string, left: boolean, right: boolean): string => {
  let a = 0;
  let b = str.length;
  while (left && a < b && set.includes(str[a])) a++;
  while (right && b > a && set.includes(str[b - 1])) b--;
  return str.slice(a, b);
};
const compare = (a: TValue, b: TValue): number => {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const x = toFloat(a);
  const y = toFloat(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const intMath =
  (f: (a: bigint, b: bigint) => bigint): Func =>
  ([a, b]) => {
    const y = toInt(b);
    if (y === 0n && f === div)
      throw new Error("error calling div: runtime error: integer divide by zero");
    return f(toInt(a), y);
  };
const div = (a: bigint, b: bigint) => a / b;
const mod = (a: bigint, b: bigint) => (b === 0n ? 0n : a % b);
const floatMath =
  (f: (a: number, b: number) => number): Func =>
  (args) =>
    args.map(toFloat).reduce(f);
const pad = (n: TValue, str: TValue, left: boolean): string => {
  const width = Number(toInt(n));
  const text = s(str);
  const chars = Array.from(text);
  if (chars.length >= width) return chars.slice(0, width).join("");
  return left ? text + " ".repeat(width - chars.length) : " ".repeat(width - chars.length) + text;
};

/** The functions, by name. */
export const FUNCS: Readonly<Record<string, Func>> = {
  __line__: (_, ctx) => ctx.line,
  __timestamp__: (_, ctx) => new GoTime(ctx.timeNs),
  ToLower: ([a]) => s(a).toLowerCase(),
  ToUpper: ([a]) => s(a).toUpperCase(),
  lower: ([a]) => s(a).toLowerCase(),
  upper: ([a]) => s(a).toUpperCase(),
  title: ([a]) => s(a).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, p, c) => p + c.toUpperCase()),
  Replace: ([str, o, n, count]) => replaceN(s(str), s(o), s(n), Number(toInt(count))),
  replace: ([o, n, str]) => s(str).replaceAll(s(o), s(n)),
  Trim: ([str, set]) => cut(s(str), s(set), true, true),
  TrimLeft: ([str, set]) => cut(s(str), s(set), true, false),
  TrimRight: ([str, set]) => cut(s(str), s(set), false, true),
  TrimPrefix: ([str, p]) => (s(str).startsWith(s(p)) ? s(str).slice(s(p).length) : s(str)),
  TrimSuffix: ([str, p]) =>
    s(str).endsWith(s(p)) && s(p) ? s(str).slice(0, -s(p).length) : s(str),
  TrimSpace: ([a]) => s(a).trim(),
  trim: ([a]) => s(a).trim(),
  trimAll: ([set, str]) => cut(s(str), s(set), true, true),
  trimPrefix: ([p, str]) => FUNCS.TrimPrefix([str, p], { line: "", timeNs: 0n }),
  trimSuffix: ([p, str]) => FUNCS.TrimSuffix([str, p], { line: "", timeNs: 0n }),
  contains: ([sub, str]) => s(str).includes(s(sub)),
  hasPrefix: ([p, str]) => s(str).startsWith(s(p)),
  hasSuffix: ([p, str]) => s(str).endsWith(s(p)),
  repeat: ([n, str]) => s(str).repeat(Math.max(0, Number(toInt(n)))),
  substr: ([a, b, str]) => substr(s(str), Number(toInt(a)), Number(toInt(b))),
  trunc: ([n, str]) => {
    const k = Number(toInt(n));
    const text = s(str);
    return k >= 0 ? text.slice(0, k) : text.slice(Math.max(0, text.length + k));
  },
  indent: ([n, str]) => indent(s(str), Number(toInt(n))),
  nindent: ([n, str]) => `\n${indent(s(str), Number(toInt(n)))}`,
  alignLeft: ([n, str]) => pad(n, str, true),
  alignRight: ([n, str]) => pad(n, str, false),
  default: ([d, v]) => (v === undefined || !truth(v) ? d : v),
  regexReplaceAll: ([re, str, repl]) => regexReplace(s(re), s(str), s(repl), false),
  regexReplaceAllLiteral: ([re, str, repl]) => regexReplace(s(re), s(str), s(repl), true),
  count: ([re, str]) => BigInt(compileSearchRegex(s(re)).findAll(s(str)).length),
  urlencode: ([a]) => encodeURIComponent(s(a)).replace(/%20/g, "+"),
  urldecode: ([a]) => decodeURIComponent(s(a).replace(/\+/g, " ")),
  b64enc: ([a]) => Buffer.from(s(a)).toString("base64"),
  b64dec: ([a]) => Buffer.from(s(a), "base64").toString(),
  int: ([a]) => toInt(a),
  float64: ([a]) => toFloat(a),
  add: intMath((a, b) => a + b),
  sub: intMath((a, b) => a - b),
  mul: intMath((a, b) => a * b),
  div: intMath(div),
  mod: intMath(mod),
  addf: floatMath((a, b) => a + b),
  subf: floatMath((a, b) => a - b),
  mulf: floatMath((a, b) => a * b),
  divf: floatMath((a, b) => a / b),
  max: (args) => pickInt(args, (a, b) => a > b),
  min: (args) => pickInt(args, (a, b) => a < b),
  maxf: (args) => Math.max(...args.map(toFloat)),
  minf: (args) => Math.min(...args.map(toFloat)),
  ceil: ([a]) => Math.ceil(toFloat(a)),
  floor: ([a]) => Math.floor(toFloat(a)),
  round: ([a, p]) => {
    const scale = 10 ** Number(toInt(p ?? 0n));
    return Math.round(toFloat(a) * scale) / scale;
  },
  bytes: ([a]) => {
    const r = parseBytes(s(a));
    if (r.error !== undefined) throw new Error(r.error);
    return BigInt(r.value);
  },
  duration: ([a]) => durationSeconds(s(a)),
  duration_seconds: ([a]) => durationSeconds(s(a)),
  unixEpoch: ([t]) => (t instanceof GoTime ? t.ns / 1_000_000_000n : 0n),
  unixEpochMillis: ([t]) => (t instanceof GoTime ? t.ns / 1_000_000n : 0n),
  unixEpochNanos: ([t]) => (t instanceof GoTime ? t.ns : 0n),
  eq: ([a, ...rest]) => rest.some((b) => compare(a, b) === 0),
  ne: ([a, b]) => compare(a, b) !== 0,
  lt: ([a, b]) => compare(a, b) < 0,
  le: ([a, b]) => compare(a, b) <= 0,
  gt: ([a, b]) => compare(a, b) > 0,
  ge: ([a, b]) => compare(a, b) >= 0,
  and: (args) => args.find((a) => !truth(a)) ?? args.at(-1) ?? null,
  or: (args) => args.find((a) => truth(a)) ?? args.at(-1) ?? null,
  not: ([a]) => !truth(a),
  len: ([a]) => BigInt(typeof a === "string" ? Buffer.byteLength(a) : 0),
  print: (args) => args.map(s).join(""),
  printf: ([format, ...args]) => sprintf(s(format), args),
};

/** The integer argument that beats every other. */
function pickInt(args: TValue[], beats: (a: bigint, b: bigint) => boolean): bigint {
  let best = toInt(args[0] ?? 0n);
  for (const a of args.slice(1).map(toInt)) if (beats(a, best)) best = a;
  return best;
}

function replaceN(str: string, o: string, n: string, count: number): string {
  if (count < 0) return str.replaceAll(o, n);
  let out = str;
  let from = 0;
  for (let i = 0; i < count; i++) {
    const at = out.indexOf(o, from);
    if (at < 0) break;
    out = out.slice(0, at) + n + out.slice(at + o.length);
    from = at + n.length;
  }
  return out;
}

function substr(str: string, start: number, end: number): string {
  if (start < 0) return str.slice(0, end);
  if (end < 0 || end > str.length) return str.slice(start);
  return str.slice(start, end);
}

function indent(str: string, n: number): string {
  const p = " ".repeat(Math.max(0, n));
  return p + str.replaceAll("\n", `\n${p}`);
}

/** Go's `ReplaceAllString` (`$1`, `${name}` as `regexp.Expand` reads them) or `…Literal`. */
function regexReplace(re: string, str: string, repl: string, literal: boolean): string {
  const regex = compileSearchRegex(re);
  let out = "";
  let last = 0;
  for (const at of regex.findAll(str)) {
    out += str.slice(last, at[0]);
    if (literal) out += repl;
    else {
      const groups = [];
      for (let i = 0; i < at.length; i += 2) {
        groups.push(at[i] < 0 ? undefined : str.slice(at[i], at[i + 1]));
      }
      out += expandTemplate(repl, groups, regex.groupNames);
    }
    last = at[1];
  }
  return out + str.slice(last);
}

function durationSeconds(text: string): number {
  const r = parseGoDuration(text);
  if (r.error !== undefined) throw new Error(r.error);
  return r.value / 1e9;
}

/** A small `fmt.Sprintf`: `%s %d %v %q %f %.Nf %x %%`. */
function sprintf(format: string, args: TValue[]): string {
  let i = 0;
  return format.replace(/%(\.\d+)?([sdvqfxg%])/g, (whole, precision, verb) => {
    if (verb === "%") return "%";
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    if (verb === "d") return String(toInt(a));
    if (verb === "q") return JSON.stringify(s(a));
    if (verb === "x")
      return typeof a === "string" ? Buffer.from(a).toString("hex") : toInt(a).toString(16);
    if (verb === "f") return toFloat(a).toFixed(precision ? Number(precision.slice(1)) : 6);
    return whole.startsWith("%.") ? toFloat(a).toPrecision(Number(precision.slice(1))) : s(a);
  });
}
