import type { PathNode, PathSegment } from "./json_path.ts";
import { extractJsonExact } from "./json_scan.ts";

/**
 * Extraction for the `json` stage. JSON.parse is the fast path (native, several times
 * quicker than any scanner written in JavaScript); the exact scanner of json_scan.ts takes
 * over for the rare line where a value to extract is an integer a double cannot hold (a
 * nanosecond timestamp, a 64-bit id), whose text JSON.parse would round.
 */

/** The compiled expressions of a stage: as a list for the fast path, as a tree for the scanner. */
export interface JsonPaths {
  /** Target name and path of each expression; empty to take every top-level member. */
  readonly list: readonly { readonly target: string; readonly path: readonly PathSegment[] }[];
  readonly tree: PathNode;
}

/** Name/value pairs found so far, committed only when every value was exact. */
const pending: string[] = [];

/**
 * Extracts the values `paths` asks for from the JSON object `text` into `out`: strings as
 * they are, numbers and booleans as their JSON text, objects and arrays as compact JSON,
 * null as absent. Returns false, leaving `out` alone, when `text` is not one JSON object.
 */
export function extractJson(text: string, paths: JsonPaths, out: Map<string, string>): boolean {
  if (!looksLikeObject(text)) return false;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return false;
  }
  if (root === null || typeof root !== "object" || Array.isArray(root)) return false;
  pending.length = 0;
  const all = paths.list.length === 0;
  const ok = all ? takeAll(root as Record<string, unknown>) : takePaths(root, paths);
  if (!ok) return extractJsonExact(text, paths.tree, all, out);
  for (let i = 0; i < pending.length; i += 2) out.set(pending[i], pending[i + 1]);
  return true;
}

function takeAll(root: Record<string, unknown>): boolean {
  for (const key in root) if (!take(key, root[key])) return false;
  return true;
}

function takePaths(root: object, paths: JsonPaths): boolean {
  for (const { target, path } of paths.list) {
    let v: unknown = root;
    for (let i = 0; i < path.length && v !== undefined; i++) {
      const seg = path[i];
      if (v === null || typeof v !== "object") v = undefined;
      else if (typeof seg === "number") v = Array.isArray(v) ? v[seg] : undefined;
      else
        v =
          Array.isArray(v) || !Object.hasOwn(v, seg)
            ? undefined
            : (v as Record<string, unknown>)[seg];
    }
    if (!take(target, v)) return false;
  }
  return true;
}

/** Queues one value; false when it is a number JSON.parse may have rounded. */
function take(name: string, v: unknown): boolean {
  if (typeof v === "string") pending.push(name, v);
  else if (typeof v === "number") {
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return false;
    pending.push(name, String(v));
  } else if (typeof v === "boolean") pending.push(name, v ? "true" : "false");
  else if (v !== null && v !== undefined) pending.push(name, JSON.stringify(v));
  return true;
}

/** First and last non-space characters are braces: skips JSON.parse's exception on plain text. */
function looksLikeObject(text: string): boolean {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  let j = text.length - 1;
  while (j > i && text.charCodeAt(j) <= 32) j--;
  return text.charCodeAt(i) === 123 && text.charCodeAt(j) === 125;
}
