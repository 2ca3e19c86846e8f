/**
 * Go's literal syntax for template constants: `strconv.Unquote` of "…", `…` and '…', and the
 * readings of a number (`ParseInt`/`ParseUint` with base 0, `ParseFloat`).
 *
 * Not shared/model/go_string.ts's `unquoteGo`, on purpose: that one reads PromQL's and LogQL's
 * string literals, which keep invalid UTF-8 as escaped bytes and accept both `\'` and `\"` in
 * either quote; Go's strconv.Unquote, which text/template uses, accepts only the enclosing quote
 * escaped, drops `\r` from raw strings and wants exactly one character between single quotes
 * (and here invalid UTF-8 becomes U+FFFD, as the rendered text is a JavaScript string).
 */

const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };

/** Go's strconv.Unquote; throws SyntaxError("invalid syntax") as Go returns ErrSyntax. */
export function unquote(quoted: string): string {
  const q = quoted[0];
  if (quoted.length < 2 || quoted[quoted.length - 1] !== q) throw new SyntaxError("invalid syntax");
  const body = quoted.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new SyntaxError("invalid syntax");
    return body.replaceAll("\r", "");
  }
  if (q !== '"' && q !== "'") throw new SyntaxError("invalid syntax");
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let i = 0;
  let runes = 0;
  while (i < body.length) {
    const ch = String.fromCodePoint(body.codePointAt(i)!);
    runes++;
    if (ch === q || ch === "\n") throw new SyntaxError("invalid syntax");
    if (ch !== "\\") {
      bytes.push(...encoder.encode(ch));
      i += ch.length;
      continue;
    }
    i = readEscape(body, i + 1, q, bytes, encoder);
  }
  if (q === "'" && runes !== 1) throw new SyntaxError("invalid syntax");
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function readEscape(
  body: string,
  i: number,
  q: string,
  bytes: number[],
  encoder: TextEncoder,
): number {
  const c = body[i];
  if (c === undefined) throw new SyntaxError("invalid syntax");
  if (c in simple) {
    bytes.push(simple[c]!);
    return i + 1;
  }
  if (c === q) {
    bytes.push(c.charCodeAt(0));
    return i + 1;
  }
  const hexLen = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
  if (hexLen > 0) {
    const hex = body.slice(i + 1, i + 1 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new SyntaxError("invalid syntax");
    const v = Number.parseInt(hex, 16);
    if (c === "x") bytes.push(v);
    else {
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new SyntaxError("invalid syntax");
      bytes.push(...encoder.encode(String.fromCodePoint(v)));
    }
    return i + 1 + hexLen;
  }
  if (c >= "0" && c <= "7") {
    const oct = body.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255)
      throw new SyntaxError("invalid syntax");
    bytes.push(Number.parseInt(oct, 8));
    return i + 3;
  }
  throw new SyntaxError("invalid syntax");
}

/** Whether the underscores of a number literal sit between digits (Go's underscoreOK). */
function underscoreOK(s: string): boolean {
  if (!s.includes("_")) return true;
  const body = s.replace(/^[+-]/, "").replace(/^0[xXbBoO]/, "0");
  return !/(^_|_$|__|_[.eEpP]|[.eEpP+-]_)/.test(body);
}

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's ParseInt/ParseUint with base 0 (no bit-size check); null when not an integer. */
export function parseInteger(text: string): bigint | null {
  if (!underscoreOK(text)) return null;
  let s = text.replaceAll("_", "");
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let digits: RegExp = /^[0-9]+$/;
  let prefix = "";
  if (/^0[xX]/.test(s)) [prefix, digits, s] = ["0x", /^[0-9a-fA-F]+$/, s.slice(2)];
  else if (/^0[oO]/.test(s)) [prefix, digits, s] = ["0o", /^[0-7]+$/, s.slice(2)];
  else if (/^0[bB]/.test(s)) [prefix, digits, s] = ["0b", /^[01]+$/, s.slice(2)];
  else if (/^0[0-9]/.test(s)) [prefix, digits, s] = ["0o", /^[0-7]+$/, s.slice(1)];
  if (!digits.test(s)) return null;
  const v = BigInt(prefix + s);
  return neg ? -v : v;
}

/** Whether an integer fits int64 / uint64. */
export function fitsInt64(v: bigint): boolean {
  return v >= -INT64_MAX - 1n && v <= INT64_MAX;
}

/** Whether an integer fits uint64. */
export function fitsUint64(v: bigint): boolean {
  return v >= 0n && v <= UINT64_MAX;
}

/** Go's ParseFloat for literal syntax (decimal and hex floats); null when malformed. */
export function parseGoFloat(text: string): number | null {
  if (!underscoreOK(text)) return null;
  const s = text.replaceAll("_", "");
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex && (hex[2] || hex[3])) {
    const mant = Number.parseInt(`${hex[2]}${hex[3]}` || "0", 16);
    const v = mant * 2 ** (Number(hex[4]) - 4 * hex[3]!.length);
    return hex[1] === "-" ? -v : v;
  }
  return null;
}
