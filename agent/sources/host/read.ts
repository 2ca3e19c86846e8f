import { readFileSync } from "node:fs";

/**
 * Small readers for /proc and /sys files shared by the host collectors. These files are
 * ASCII, so latin1 is the cheapest correct decoding; parsing is by hand (indexOf, charCodeAt)
 * because collections run every few seconds for the life of the agent.
 */

/** Reads a kernel interface file as text. */
export function readText(path: string): string {
  return readFileSync(path, "latin1");
}

/** Whether an error from a file read means the file (or the process it belonged to) is gone. */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ESRCH" || code === "ENOTDIR";
}

/** Reads a file as text, or returns null when it does not exist. */
export function readTextIfExists(path: string): string | null {
  try {
    return readText(path);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Reads a file holding one unsigned integer, as node_exporter's readUintFromFile does. */
export function readUint(path: string): number {
  const text = readText(path).trim();
  if (!isDigits(text, 0, text.length)) {
    throw new SyntaxError(`Cannot parse ${path}: "${text}" is not an unsigned integer`);
  }
  return Number(text);
}

/** Whether text[start:end] is a non-empty run of ASCII digits. */
export function isDigits(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether a char code is a space or a tab (the separators of /proc tables). */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Splits one line into its space- or tab-separated fields (runs of blanks count as one). */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const blank = i === line.length || isBlank(line.charCodeAt(i));
    if (blank && start >= 0) {
      out.push(line.slice(start, i));
      start = -1;
    } else if (!blank && start < 0) start = i;
  }
  return out;
}

/** The lines of a text, without the empty one after a final newline. */
export function lines(text: string): string[] {
  const out = text.split("\n");
  if (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/**
 * Parses a field as Go's strconv.ParseFloat would for the integers and decimals found in
 * /proc; throws on anything else so a changed kernel format fails loudly.
 */
export function parseNumber(text: string, what: string): number {
  const n = Number(text);
  if (text === "" || Number.isNaN(n)) {
    throw new SyntaxError(`Cannot parse ${what}: "${text}" is not a number`);
  }
  return n;
}
