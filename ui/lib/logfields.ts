/**
 * Fields parsed from a log line for the Logs page's details: JSON objects (nested keys joined
 * with `_`, arrays skipped, as Loki's `json` stage does) or logfmt pairs. One pass over at most
 * `MAX_PARSE_CHARS` characters, so a huge line costs no more than that.
 */

/** A parsed key and its value. */
export interface Field {
  name: string;
  value: string;
}

/** What a line was parsed as; the fields in the line's order. */
export interface ParsedFields {
  /** The LogQL stage that extracts the same fields, or null when neither fits. */
  format: "json" | "logfmt" | null;
  fields: Field[];
  /** The line was longer than the cap: only its start was read (JSON is then not parsed). */
  truncated: boolean;
}

/** Lines longer than this are parsed only up to it. */
export const MAX_PARSE_CHARS = 64 * 1024;

/** A key as a LogQL label name: what is not `[A-Za-z0-9_]` becomes `_`, as Loki sanitises. */
export function sanitizeKey(key: string): string {
  const out = key.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** The fields of `line`: JSON when it is a JSON object, else logfmt when it has a `k=v` pair. */
export function parseFields(line: string): ParsedFields {
  const truncated = line.length > MAX_PARSE_CHARS;
  const text = truncated ? line.slice(0, MAX_PARSE_CHARS) : line;
  const trimmed = text.trim();
  if (!truncated && trimmed.startsWith("{") && trimmed.endsWith("}")) {
    const fields = parseJsonFields(trimmed);
    if (fields !== null) return { format: "json", fields, truncated };
  }
  const fields = parseLogfmt(text);
  return fields === null
    ? { format: null, fields: [], truncated }
    : { format: "logfmt", fields, truncated };
}

/** The leaves of a JSON object, or null when the text is not one. */
export function parseJsonFields(text: string): Field[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const out: Field[] = [];
  flatten(value as Record<string, unknown>, "", out);
  return out;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Field[]): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix === "" ? sanitizeKey(k) : `${prefix}_${sanitizeKey(k)}`;
    if (Array.isArray(v)) continue;
    if (v !== null && typeof v === "object") flatten(v as Record<string, unknown>, name, out);
    else out.push({ name, value: v === null ? "" : String(v) });
  }
}

const SPACE = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * logfmt pairs (`a=1 b="x y" c`), a bare key with an empty value; null when no `=` pair is
 * found (plain text is not logfmt). Quoted values take `\"`, `\\`, `\n`, `\t` escapes.
 */
export function parseLogfmt(text: string): Field[] | null {
  const out: Field[] = [];
  let pairs = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && SPACE(text.charCodeAt(i))) i++;
    const keyStart = i;
    while (i < n && text[i] !== "=" && !SPACE(text.charCodeAt(i))) i++;
    const key = text.slice(keyStart, i);
    if (text[i] !== "=") {
      if (key !== "") out.push({ name: sanitizeKey(key), value: "" });
      continue;
    }
    i++; // past '='
    let value: string;
    if (text[i] === '"') {
      [value, i] = readQuoted(text, i + 1);
    } else {
      const start = i;
      while (i < n && !SPACE(text.charCodeAt(i))) i++;
      value = text.slice(start, i);
    }
    if (key === "") continue;
    out.push({ name: sanitizeKey(key), value });
    pairs++;
  }
  return pairs === 0 ? null : out;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

/** A quoted value from just after its opening quote: the value and the index after it. */
function readQuoted(text: string, from: number): [string, number] {
  let out = "";
  let i = from;
  let run = i;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === "\\" && i + 1 < text.length) {
      out += text.slice(run, i) + (ESCAPES[text[i + 1]] ?? text[i + 1]);
      i += 2;
      run = i;
    } else i++;
  }
  out += text.slice(run, i);
  return [out, i + 1];
}
