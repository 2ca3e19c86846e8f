/**
 * How Go values live in JavaScript while a template runs. Go's behaviour depends on static
 * types (an int literal is not a float64, `eq 1 1.0` is an error), so the kinds stay apart:
 *
 * | Go                         | here                                   |
 * | -------------------------- | -------------------------------------- |
 * | string                     | string                                 |
 * | float64                    | number                                 |
 * | int (and byte, rune)       | bigint                                 |
 * | bool                       | boolean                                |
 * | nil                        | null                                   |
 * | no value (missing map key) | undefined                              |
 * | map                        | Map (type name in {@link GoMap})        |
 * | slice                      | Array (type name in {@link typeName})   |
 * | struct, pointer to struct  | {@link GoStruct}                       |
 * | named string (HTML)        | {@link GoString}                       |
 * | time.Time, time.Duration   | {@link GoTime}, {@link GoDuration}     |
 */

/** A value while a template runs. */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | GoMap
  | Value[]
  | GoStruct
  | GoString
  | GoTime
  | GoDuration
  | GoFunc;

/** A function value a template may `call`. */
export type GoFunc = (...args: Value[]) => Value | Promise<Value>;

/** A Go map with its type name (`map[string]string`); keys are strings or bigints. */
export class GoMap extends Map<string | bigint, Value> {
  constructor(
    entries: Iterable<readonly [string | bigint, Value]> = [],
    readonly type = "map[string]interface {}",
  ) {
    super(entries);
  }
}

/** A struct (or, with `pointer`, a pointer to one) with its Go type name. */
export class GoStruct {
  constructor(
    readonly type: string,
    readonly fields: Record<string, Value>,
    readonly pointer = false,
  ) {}
}

/** A string of a named type, such as html/template's `HTML` from `safeHtml`. */
export class GoString {
  constructor(
    readonly type: string,
    readonly value: string,
  ) {}
}

/** A `time.Duration`: nanoseconds. */
export class GoDuration {
  constructor(readonly nanos: bigint) {}
}

/** A `time.Time` (or `*time.Time` with `pointer`): nanoseconds since the epoch and a zone. */
export class GoTime {
  constructor(
    readonly nanos: bigint,
    readonly zone: string = "UTC",
    readonly pointer = false,
  ) {}
}

const sliceTypes = new WeakMap<Value[], string>();

/** Gives an array its Go slice type name (`[]string`, `template.queryResult`). */
export function typed<T extends Value[]>(slice: T, type: string): T {
  sliceTypes.set(slice, type);
  return slice;
}

/** Makes a `map[string]string` from a record of labels. */
export function stringMap(record: Record<string, string>): GoMap {
  return new GoMap(Object.entries(record), "map[string]string");
}

/** The Go type name of a value, as reflect prints it. */
export function typeName(v: Value): string {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return "float64";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
    case "function":
      return "func";
  }
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return sliceTypes.get(v) ?? "[]interface {}";
  if (v instanceof GoMap) return v.type;
  if (v instanceof GoStruct) return v.pointer ? `*${v.type}` : v.type;
  if (v instanceof GoString) return v.type;
  if (v instanceof GoTime) return v.pointer ? "*time.Time" : "time.Time";
  return "time.Duration";
}

const underlyingTypes = new Map<string, string>();

/** Declares a named Go type (`template.KV`) and its underlying type (`map[string]string`). */
export function declareType(name: string, underlyingType: string): void {
  underlyingTypes.set(name, underlyingType);
}

/** The underlying type of a type name: itself unless declared with {@link declareType}. */
export function underlying(type: string): string {
  return underlyingTypes.get(type) ?? type;
}

/** The element type of a slice or map type name (`[]string` → `string`). */
export function elemType(named: string): string {
  const type = underlying(named);
  if (type.startsWith("[]")) return type.slice(2);
  if (type === "template.queryResult") return "*template.sample";
  const close = type.indexOf("]");
  return type.startsWith("map[") ? type.slice(close + 1) : "interface {}";
}

/** Go's zero value of a type name (for missing keys with `missingkey=zero`). */
export function zeroOf(type: string): Value {
  if (type === "string") return "";
  if (type === "float64") return 0;
  if (type === "int" || type === "uint8") return 0n;
  if (type === "bool") return false;
  return null;
}

/** Whether a value of `type` can be nil (Go's `canBeNil`). */
export function canBeNil(named: string): boolean {
  const type = underlying(named);
  return (
    type === "interface {}" ||
    type.startsWith("*") ||
    type.startsWith("[]") ||
    type.startsWith("map[") ||
    type === "template.queryResult" ||
    type === "func"
  );
}

/** Go's `isTrue`: the truth of a value in `if`, `with`, `and`, `or`, `not`. */
export function truth(v: Value): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.size > 0;
  if (v instanceof GoString) return v.value.length > 0;
  if (v instanceof GoDuration) return v.nanos !== 0n;
  return true;
}

/** The text of a string-kinded value (string or named string), else undefined. */
export function stringOf(v: Value): string | undefined {
  if (typeof v === "string") return v;
  if (v instanceof GoString) return v.value;
  return undefined;
}

/** Sorts map keys as Go's fmt and `range` do: numbers by value, strings by bytes. */
export function sortedKeys(m: GoMap): (string | bigint)[] {
  return [...m.keys()].sort(compareKeys);
}

function compareKeys(a: string | bigint, b: string | bigint): number {
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  return compareStrings(String(a), String(b));
}

/** Compares strings by code point, which is the order of their UTF-8 bytes, as Go does. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Length in UTF-8 bytes, as Go's `len` counts a string. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s.toWellFormed(), "utf8");
}
