/**
 * How Go's gopkg.in/yaml.v2 chooses to write a string, which Sloth's output depends on: a
 * string that would read back as something else (`"2"`, `"true"`, `""`) is double-quoted,
 * one with line breaks is a literal block, one that cannot be plain (`#alerts`, `{{$labels}}`)
 * is single-quoted. Only the analysis lives here; yaml_v2.ts writes.
 */

/** The four ways a scalar can be written. */
export type ScalarStyle = "plain" | "single" | "double" | "literal";

/** The plain scalars Go's yaml.v2 reads as booleans, nulls or special floats. */
const RESERVED = new Set(
  (
    "y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF " +
    "null Null NULL ~ .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF"
  ).split(" "),
);
const INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/;

/** True when yaml.v2 would read `s`, written plain, as anything but that string. */
export function resolvesAsNonString(s: string): boolean {
  if (s === "" || RESERVED.has(s)) return true;
  if (BASE60.test(s)) return true;
  const first = s[0]!;
  if (first === ".") return FLOAT.test(s);
  if (!/[-+0-9]/.test(first)) return false;
  const plain = s.replaceAll("_", "");
  return INT.test(plain) || FLOAT.test(plain) || TIMESTAMP.test(s);
}

/** What libyaml's analysis of a scalar allows. */
interface Allowed {
  plain: boolean;
  single: boolean;
  block: boolean;
}

const isBreak = (c: string) => c === "\n" || c === "\r";
const isBlank = (c: string | undefined) => c === undefined || c === " " || c === "\t" || isBreak(c);

/** libyaml's printable set; everything else must be escaped in double quotes. */
function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** Which styles libyaml permits for `s` in block context. */
export function analyse(s: string): Allowed {
  if (s === "") return { plain: false, single: true, block: false };
  const chars = [...s];
  let indicators = s.startsWith("---") || s.startsWith("...");
  let special = false;
  let lineBreaks = false;
  let leading = false;
  let trailing = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByBlank = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByBlank = isBlank(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) indicators = true;
      if ((c === "?" || c === ":" || c === "-") && followedByBlank) indicators = true;
    } else {
      if (c === ":" && followedByBlank) indicators = true;
      if (c === "#" && precededByBlank) indicators = true;
    }
    if (!isPrintable(c.codePointAt(0)!)) special = true;
    if (isBreak(c)) lineBreaks = true;
    const last = i === chars.length - 1;
    if (c === " ") {
      if (i === 0) leading = true;
      if (last) trailing = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leading = true;
      if (last) trailing = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByBlank = isBlank(c);
  }
  const endsWithSpace = chars[chars.length - 1] === " ";
  const allowed = { plain: true, single: true, block: true };
  if (leading || trailing) allowed.plain = false;
  if (endsWithSpace) allowed.block = false;
  if (breakSpace) allowed.plain = allowed.single = false;
  if (spaceBreak || special) allowed.plain = allowed.single = allowed.block = false;
  if (lineBreaks || indicators) allowed.plain = false;
  return allowed;
}

/** The style yaml.v2 writes a string value in (`key` true for a mapping key). */
export function styleOf(s: string, key = false): ScalarStyle {
  const allowed = analyse(s);
  let style: ScalarStyle;
  if (s.includes("\n")) style = "literal";
  else if (resolvesAsNonString(s)) style = "double";
  else style = "plain";
  if (style === "plain" && (!allowed.plain || (key && s === ""))) style = "single";
  if (style === "single" && !allowed.single) style = "double";
  if (style === "literal" && (!allowed.block || key)) style = "double";
  return style;
}
