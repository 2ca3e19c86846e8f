/**
 * The JSON stages: `| json` (every scalar field, nested keys joined with `_`, arrays
 * skipped), `| json a="b.c[0]"` (chosen paths, objects kept as text), and `| unpack`
 * (Promtail's packed `_entry`). Errors set `__error__=JSONParserErr` and keep the line.
 */
import type { Extraction } from "./ast.ts";
import {
  eachElement,
  eachMember,
  JsonScanError,
  type JsonValue,
  jsonStringLabel,
  nextToken,
  valueAt,
} from "./json_scan.ts";
import {
  DUPLICATE_SUFFIX,
  ERR_JSON,
  type LabelsBuilder,
  sanitizeLabelKey,
} from "./labels_builder.ts";
import type { StageFn } from "./stage.ts";

function scalarText(line: string, v: JsonValue): string | undefined {
  if (v.type === "string") return jsonStringLabel(line, v);
  if (v.type === "number" || v.type === "boolean") return line.slice(v.start, v.end);
  return undefined;
}

function setParsed(b: LabelsBuilder, key: string, value: string): void {
  const name = b.baseHas(key) ? key + DUPLICATE_SUFFIX : key;
  if (b.shouldExtract(name)) b.set(name, value);
}

function flatten(line: string, start: number, prefix: string, b: LabelsBuilder): void {
  eachMember(line, start, (key, v) => {
    if (v.type === "object") {
      const sanitized = sanitizeLabelKey(key, prefix === "");
      flatten(line, v.start, prefix === "" ? sanitized : `${prefix}_${sanitized}`, b);
      return;
    }
    const text = scalarText(line, v);
    if (text === undefined) return;
    const name =
      prefix === "" ? sanitizeLabelKey(key, true) : `${prefix}_${sanitizeLabelKey(key, false)}`;
    if (name !== "") setParsed(b, name, text);
  });
}

/** `| json`: every field of the object, nested keys joined with `_`. */
export function jsonStage(): StageFn {
  return (line, b) => {
    try {
      flatten(line, 0, "", b);
    } catch (error) {
      if (!(error instanceof JsonScanError)) throw error;
      b.setErr(ERR_JSON, error.message);
    }
    return line;
  };
}

type PathPart = string | number;

/** Parses `a.b[0]["c d"]` into its parts; throws a SyntaxError when it is not a path. */
export function parseJsonPath(expr: string): PathPart[] {
  const parts: PathPart[] = [];
  const re = /\s*(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[\s*(\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/y;
  let i = 0;
  while (i < expr.length) {
    re.lastIndex = i;
    const m = re.exec(expr);
    if (m === null || (i === 0 && expr[0] === ".")) {
      throw new SyntaxError(`cannot parse expression [${expr}]: syntax error`);
    }
    parts.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
    i = re.lastIndex;
  }
  if (parts.length === 0) throw new SyntaxError(`cannot parse expression [${expr}]: syntax error`);
  return parts;
}

/** The value at `path` in the document at `start`, or undefined when absent. */
function find(line: string, start: number, path: readonly PathPart[]): JsonValue | undefined {
  let at: JsonValue | undefined = valueAt(line, start);
  for (const part of path) {
    const current: JsonValue = at;
    at = undefined;
    if (typeof part === "string" && current.type === "object") {
      eachMember(line, current.start, (key, v) => {
        if (key === part) at ??= v;
      });
    } else if (typeof part === "number" && current.type === "array") {
      let index = 0;
      eachElement(line, current.start, (v) => {
        if (index++ === part) at = v;
      });
    }
    if (at === undefined) return undefined;
  }
  return at;
}

/** `| json a="path", …`: only the listed paths; missing ones become empty labels. */
export function jsonExtractStage(extractions: readonly Extraction[]): StageFn {
  const paths = extractions.map((e) => parseJsonPath(e.expr));
  return (line, b) => {
    const start = nextToken(line, 0);
    if (start < 0 || !'"{['.includes(line[start])) {
      if (line !== "") b.setErr(ERR_JSON);
      return line;
    }
    for (let i = 0; i < extractions.length; i++) {
      const id = extractions[i].name;
      try {
        const v = find(line, start, paths[i]);
        const text =
          v === undefined || v.type === "null"
            ? ""
            : v.type === "string"
              ? jsonStringLabel(line, v)
              : line.slice(v.start, v.end);
        b.set(b.baseHas(id) ? id + DUPLICATE_SUFFIX : id, text);
      } catch (error) {
        if (!(error instanceof JsonScanError)) throw error;
        b.setErr(ERR_JSON, error.message);
      }
    }
    return line;
  };
}

/** `| unpack`: string fields become labels and `_entry` the line, when the line is packed. */
export function unpackStage(): StageFn {
  return (line, b) => {
    if (line === "") return line;
    if (line[0] !== "{") {
      b.setErr(ERR_JSON, "expecting json object(6), but it is not");
      return line;
    }
    let entry: string | undefined;
    const found: [string, string][] = [];
    try {
      eachMember(line, 0, (key, v) => {
        if (v.type !== "string") return;
        if (key === "_entry") entry = jsonStringLabel(line, v);
        else found.push([key, jsonStringLabel(line, v)]);
      });
    } catch (error) {
      if (!(error instanceof JsonScanError)) throw error;
      b.setErr(ERR_JSON, error.message);
      return line;
    }
    if (entry === undefined) return line;
    for (const [key, value] of found) {
      const name = b.baseHas(key) ? key + DUPLICATE_SUFFIX : key;
      if (b.shouldExtract(name)) b.set(sanitizeLabelKey(name, true), value);
    }
    return entry;
  };
}
