/**
 * A lenient JSON scanner with the behaviour of buger/jsonparser, which Loki's `| json`
 * stages use: values are located, not validated (a number is whatever runs up to a
 * delimiter), members are visited in order as they are found, and failures carry
 * jsonparser's messages, which Loki puts in `__error_details__`.
 */

/** jsonparser's error texts. */
export const JSON_ERRORS = {
  malformedJson: "Malformed JSON error",
  malformedString: "Value is string, but can't find closing '\"' symbol",
  malformedArray: "Value is array, but can't find closing ']' symbol",
  malformedObject: "Value looks like object, but can't find closing '}' symbol",
  unknownValue: "Unknown value type",
  badEscape: "Encountered an invalid escape sequence in a string",
} as const;

/** The type of a located value. */
export type JsonType = "string" | "number" | "boolean" | "null" | "object" | "array";

/** A located value: `[start, end)` of its text (quotes included for strings). */
export interface JsonValue {
  readonly type: JsonType;
  readonly start: number;
  readonly end: number;
}

/** Thrown with one of {@link JSON_ERRORS}. */
export class JsonScanError extends Error {}

function fail(message: string): never {
  throw new JsonScanError(message);
}

/** The index of the next non-space character at or after `i`, or -1 at the end. */
export function nextToken(s: string, i: number): number {
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

/** The index just past the closing quote of a string whose body starts at `i`, or -1. */
function stringEnd(s: string, i: number): number {
  for (let q = s.indexOf('"', i); q >= 0; q = s.indexOf('"', q + 1)) {
    let slashes = 0;
    while (q - 1 - slashes >= i && s.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
  return -1;
}

/** The index just past the bracket closing the block that opens at `i`, or -1. */
function blockEnd(s: string, i: number, open: number, close: number): number {
  let level = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(s, i + 1);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === open) {
      level++;
    } else if (c === close && --level === 0) {
      return i + 1;
    }
  }
  return -1;
}

function tokenEnd(s: string, i: number): number {
  for (; i < s.length; i++) {
    const c = s[i];
    if (
      c === " " ||
      c === "\n" ||
      c === "\r" ||
      c === "\t" ||
      c === "," ||
      c === "}" ||
      c === "]"
    ) {
      return i;
    }
  }
  return s.length;
}

/** Locates the value starting at `i` (jsonparser's `getType`). */
export function valueAt(s: string, i: number): JsonValue {
  const c = s[i];
  if (c === '"') {
    const end = stringEnd(s, i + 1);
    if (end < 0) fail(JSON_ERRORS.malformedString);
    return { type: "string", start: i, end };
  }
  if (c === "[" || c === "{") {
    const end = blockEnd(s, i, c.charCodeAt(0), c === "[" ? 0x5d : 0x7d);
    if (end < 0) fail(c === "[" ? JSON_ERRORS.malformedArray : JSON_ERRORS.malformedObject);
    return { type: c === "[" ? "array" : "object", start: i, end };
  }
  const end = tokenEnd(s, i);
  const text = s.slice(i, end);
  if (c === "t" || c === "f") {
    if (text !== "true" && text !== "false") fail(JSON_ERRORS.unknownValue);
    return { type: "boolean", start: i, end };
  }
  if (c === "n" || c === "u") {
    if (text !== "null") fail(JSON_ERRORS.unknownValue);
    return { type: "null", start: i, end };
  }
  if (c === "-" || (c >= "0" && c <= "9")) return { type: "number", start: i, end };
  return fail(JSON_ERRORS.unknownValue);
}

/**
 * Visits the members of the object at `i` (jsonparser's `ObjectEach`): `visit` gets each
 * key (unescaped) and value as found, so members before a syntax error are seen.
 */
export function eachMember(
  s: string,
  i: number,
  visit: (key: string, value: JsonValue) => void,
): void {
  let at = nextToken(s, i);
  if (at < 0 || s[at] !== "{") fail(JSON_ERRORS.malformedObject);
  at = nextToken(s, at + 1);
  if (at < 0) fail(JSON_ERRORS.malformedJson);
  while (at < s.length) {
    if (s[at] === "}") return;
    if (s[at] !== '"') fail(JSON_ERRORS.malformedObject);
    const keyEnd = stringEnd(s, at + 1);
    if (keyEnd < 0) fail(JSON_ERRORS.malformedJson);
    let key = s.slice(at + 1, keyEnd - 1);
    if (key.includes("\\")) key = unescapeJson(key) ?? fail(JSON_ERRORS.badEscape);
    at = nextToken(s, keyEnd);
    if (at < 0 || s[at] !== ":") fail(JSON_ERRORS.malformedJson);
    at = nextToken(s, at + 1);
    if (at < 0) fail(JSON_ERRORS.malformedJson);
    const value = valueAt(s, at);
    visit(key, value);
    at = nextToken(s, value.end);
    if (at < 0) fail(JSON_ERRORS.malformedArray);
    if (s[at] === "}") return;
    if (s[at] !== ",") fail(JSON_ERRORS.malformedObject);
    at = nextToken(s, at + 1);
    if (at < 0) fail(JSON_ERRORS.malformedArray);
  }
  fail(JSON_ERRORS.malformedObject);
}

/** Visits the elements of the array at `i`. */
export function eachElement(s: string, i: number, visit: (value: JsonValue) => void): void {
  let at = nextToken(s, i + 1);
  if (at < 0) fail(JSON_ERRORS.malformedArray);
  if (s[at] === "]") return;
  for (;;) {
    const value = valueAt(s, at);
    visit(value);
    at = nextToken(s, value.end);
    if (at < 0) fail(JSON_ERRORS.malformedArray);
    if (s[at] === "]") return;
    if (s[at] !== ",") fail(JSON_ERRORS.malformedArray);
    at = nextToken(s, at + 1);
    if (at < 0) fail(JSON_ERRORS.malformedArray);
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Decodes a JSON string body; undefined for a bad escape. */
export function unescapeJson(body: string): string | undefined {
  if (!body.includes("\\")) return body;
  let out = "";
  let i = 0;
  for (let slash = body.indexOf("\\"); slash >= 0; slash = body.indexOf("\\", i)) {
    out += body.slice(i, slash);
    const e = body[slash + 1];
    if (e === "u") {
      const hex = body.slice(slash + 2, slash + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i = slash + 6;
    } else {
      const simple = SIMPLE_ESCAPES[e];
      if (simple === undefined) return undefined;
      out += simple;
      i = slash + 2;
    }
  }
  return out + body.slice(i);
}

/**
 * A string value as Loki labels it: unescaped, and "" when the escapes are bad or decode to
 * U+FFFD (Prometheus rejects that rune).
 */
export function jsonStringLabel(s: string, v: JsonValue): string {
  const text = unescapeJson(s.slice(v.start + 1, v.end - 1));
  if (text === undefined || text.includes("\ufffd")) return "";
  return text.isWellFormed() ? text : "";
}
