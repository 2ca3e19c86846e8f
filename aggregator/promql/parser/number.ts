/**
 * Number literals as Prometheus reads them: `strconv.ParseInt(s, 0, 64)` first (so `0x1f` is
 * hexadecimal and `0755` octal), then `strconv.ParseFloat` (`1.5e3`, `Inf`, `NaN`, and
 * integers too large for int64). Failures carry Go's wording.
 */
import { goQuote } from "../../../shared/model/go_string.ts";

/** A literal's value, or why it is not a number (`strconv.ParseFloat: parsing "0x": …`). */
export type NumberResult = { readonly value: number } | { readonly error: string };

const MAX_INT64 = (1n << 63n) - 1n;
const PLAIN_INTEGER = /^(?:0|[1-9]\d{0,14})$/;

/** Reads a NUMBER token's text. */
export function parseNumber(text: string): NumberResult {
  // Most literals are plain decimal integers that need none of Go's bases.
  if (PLAIN_INTEGER.test(text)) return { value: Number(text) };
  const asInt = parseIntBase0(text);
  if (asInt !== null) return { value: asInt };
  return parseFloat64(text);
}

/** `strconv.ParseInt(s, 0, 64)`, or null on any failure (syntax or range). */
function parseIntBase0(s: string): number | null {
  let base = 10;
  let digits = s;
  if (s.length > 1 && s[0] === "0") {
    const prefix = s[1].toLowerCase();
    const prefixed: Record<string, number> = { x: 16, o: 8, b: 2 };
    base = prefixed[prefix] ?? 8;
    digits = prefixed[prefix] === undefined ? s.slice(1) : s.slice(2);
  }
  if (!underscoresOK(s)) return null;
  const plain = digits.replaceAll("_", "");
  if (plain === "") return null;
  let n = 0n;
  const bigBase = BigInt(base);
  for (const ch of plain) {
    const d = Number.parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return null;
    n = n * bigBase + BigInt(d);
  }
  return n > MAX_INT64 ? null : Number(n);
}

/** Go's `underscoreOK`: underscores only between digits, or between a base prefix and a digit. */
function underscoresOK(s: string): boolean {
  if (!s.includes("_")) return true;
  let saw = "^";
  let i = 0;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1])) {
    i = 2;
    saw = "0";
  }
  const hex = saw === "0" && (s[1] === "x" || s[1] === "X");
  for (; i < s.length; i++) {
    const c = s[i];
    const isDigit = (c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c));
    if (isDigit) saw = "0";
    else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

const DECIMAL = /^(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?$/;
const SPECIAL: Record<string, number> = {
  inf: Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  nan: Number.NaN,
};

/** `strconv.ParseFloat(s, 64)` for the forms the lexer lets through. */
function parseFloat64(s: string): NumberResult {
  const special = SPECIAL[s.toLowerCase()];
  if (special !== undefined) return { value: special };
  if (!DECIMAL.test(s) || !underscoresOK(s)) return failure(s, "invalid syntax");
  const value = Number(s.replaceAll("_", ""));
  if (!Number.isFinite(value)) return failure(s, "value out of range");
  return { value };
}

function failure(s: string, why: string): NumberResult {
  return { error: `strconv.ParseFloat: parsing ${goQuote(s)}: ${why}` };
}
