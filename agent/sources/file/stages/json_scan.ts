import type { PathNode } from "./json_path.ts";

/**
 * Pulls values out of a JSON object in one pass over its text, without building it: only
 * the values the path tree asks for become strings. Numbers keep their text, so a
 * nanosecond timestamp or a 64-bit id survives (JSON.parse would round it to a double).
 * Strings come unescaped, objects and arrays as their JSON text, and `null` as nothing.
 * The whole object is walked, so a malformed line yields nothing rather than a prefix.
 */

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_OBJECT = 123; // {
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91; // [
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

/** Name/value pairs found so far, committed only when the whole line parsed. */
const pending: string[] = [];
/** Whether the line has a backslash at all; most have none, and their strings end at the next quote. */
let hasEscapes = false;

/**
 * Extracts the values `root` asks for from the JSON object `text` into `out` (every
 * top-level member when `all`). Returns false, leaving `out` alone, when `text` is not one
 * JSON object.
 */
export function extractJsonExact(
  text: string,
  root: PathNode,
  all: boolean,
  out: Map<string, string>,
): boolean {
  pending.length = 0;
  hasEscapes = text.includes("\\");
  let p = skipSpace(text, 0);
  if (text.charCodeAt(p) !== OPEN_OBJECT) return false;
  try {
    p = scanObject(text, p, root, all);
  } catch {
    // A string with a bad escape (JSON.parse refused it), or nesting deeper than the stack.
    return false;
  }
  if (p < 0 || skipSpace(text, p) !== text.length) return false;
  for (let i = 0; i < pending.length; i += 2) out.set(pending[i], pending[i + 1]);
  return true;
}

function scanObject(t: string, p: number, node: PathNode | null, all: boolean): number {
  p = skipSpace(t, p + 1);
  if (t.charCodeAt(p) === CLOSE_OBJECT) return p + 1;
  const keys = node?.keys ?? null;
  for (;;) {
    if (t.charCodeAt(p) !== QUOTE) return -1;
    const keyEnd = scanString(t, p);
    if (keyEnd < 0) return -1;
    let child: PathNode | null = null;
    let key = "";
    if (keys !== null || all) {
      key = stringValue(t, p, keyEnd);
      child = keys?.get(key) ?? null;
    }
    p = skipSpace(t, keyEnd);
    if (t.charCodeAt(p) !== COLON) return -1;
    const start = skipSpace(t, p + 1);
    p = scanValue(t, start, child);
    if (p < 0) return -1;
    if (all) record(key, t, start, p);
    p = skipSpace(t, p);
    const c = t.charCodeAt(p);
    if (c === CLOSE_OBJECT) return p + 1;
    if (c !== COMMA) return -1;
    p = skipSpace(t, p + 1);
  }
}

function scanArray(t: string, p: number, node: PathNode | null): number {
  p = skipSpace(t, p + 1);
  if (t.charCodeAt(p) === CLOSE_ARRAY) return p + 1;
  const indexes = node?.indexes ?? null;
  for (let index = 0; ; index++) {
    p = scanValue(t, p, indexes?.get(index) ?? null);
    if (p < 0) return -1;
    p = skipSpace(t, p);
    const c = t.charCodeAt(p);
    if (c === CLOSE_ARRAY) return p + 1;
    if (c !== COMMA) return -1;
    p = skipSpace(t, p + 1);
  }
}

/** Scans the value at `p`, records it for `node`'s targets, and returns the position after it. */
function scanValue(t: string, p: number, node: PathNode | null): number {
  const c = t.charCodeAt(p);
  let end: number;
  if (c === OPEN_OBJECT) end = scanObject(t, p, node, false);
  else if (c === OPEN_ARRAY) end = scanArray(t, p, node);
  else if (c === QUOTE) end = scanString(t, p);
  else end = scanScalar(t, p);
  if (end > 0 && node !== null && node.targets.length > 0) {
    for (const target of node.targets) record(target, t, p, end);
  }
  return end;
}

function record(name: string, t: string, start: number, end: number): void {
  const c = t.charCodeAt(start);
  if (c === QUOTE) pending.push(name, stringValue(t, start, end));
  else if (c !== 110 /* n: null */) pending.push(name, t.slice(start, end));
}

/** The text of the string literal `t[start, end)`, unescaped. */
function stringValue(t: string, start: number, end: number): string {
  if (hasEscapes) {
    for (let i = start + 1; i < end - 1; i++) {
      if (t.charCodeAt(i) === BACKSLASH) return JSON.parse(t.slice(start, end)) as string;
    }
  }
  return t.slice(start + 1, end - 1);
}

/** Returns the position after the string literal opening at `p`, or -1. */
function scanString(t: string, p: number): number {
  if (!hasEscapes) {
    const close = t.indexOf('"', p + 1);
    return close < 0 ? -1 : close + 1;
  }
  for (let q = p + 1; q < t.length; q++) {
    const c = t.charCodeAt(q);
    if (c === BACKSLASH) q++;
    else if (c === QUOTE) return q + 1;
  }
  return -1;
}

/** A number, `true`, `false` or `null`: returns the position after it, or -1. */
function scanScalar(t: string, p: number): number {
  const c = t.charCodeAt(p);
  if (c === 116) return t.startsWith("true", p) ? p + 4 : -1;
  if (c === 102) return t.startsWith("false", p) ? p + 5 : -1;
  if (c === 110) return t.startsWith("null", p) ? p + 4 : -1;
  let q = p;
  for (;;) {
    const d = t.charCodeAt(q);
    // digits, +, -, ., e, E
    if ((d >= 48 && d <= 57) || d === 43 || d === 45 || d === 46 || d === 101 || d === 69) q++;
    else break;
  }
  return q > p ? q : -1;
}

function skipSpace(t: string, p: number): number {
  for (;;) {
    const c = t.charCodeAt(p);
    if (c === 32 || c === 9 || c === 10 || c === 13) p++;
    else return p;
  }
}
