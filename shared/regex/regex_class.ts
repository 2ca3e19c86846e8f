/**
 * Escapes and character classes of RE2 (Go's regexp/syntax), translated to JavaScript `u`-mode
 * syntax. Every set is written out as code-point ranges so that JavaScript's own, wider
 * meanings of `\s` or of POSIX-like names never leak in.
 */

type Range = readonly [number, number];

/** A parsed set of characters: ranges plus JavaScript property escapes (`\p{…}`). */
interface CharSet {
  ranges: Range[];
  properties: string[];
}

/** Where a parse step ended, and what it produced. */
export interface Parsed<T> {
  value: T;
  end: number;
}

const MAX_RUNE = 0x10ffff;

// Perl classes as RE2 defines them: ASCII only, and `\s` without `\v`.
const PERL: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** Parses a single-character escape at `pos` into its literal JavaScript source. */
export function literalEscape(src: string, pos: number): Parsed<string> {
  const { value, end } = parseEscape(src, pos);
  return { value: literalSource(value), end };
}

/** Writes one code point so that it is literal anywhere in a `u`-mode pattern, in or out of a class. */
export function literalSource(cp: number): string {
  const c = String.fromCodePoint(cp);
  if (SYNTAX_CHARS.includes(c)) return `\\${c}`;
  // `-` is special only in classes, where `u` mode allows `\-` but outside them it does not.
  if (cp >= 0x20 && cp <= 0x7e && c !== "-") return c;
  return `\\u{${cp.toString(16)}}`;
}

const SYNTAX_CHARS = "^$\\.*+?()[]{}|/";

/**
 * Parses a class escape at `pos` (`\d`, `\S`, `\pL`, `\p{Greek}`, `\P{^Han}`) into the
 * source of a JavaScript class, or returns null when `pos` holds some other escape.
 */
export function parseClassEscape(src: string, pos: number): Parsed<string> | null {
  const set: CharSet = { ranges: [], properties: [] };
  const end = addClassEscape(src, pos, set);
  return end === null ? null : { value: classSource(set, false), end };
}

/** Parses a bracket class `[…]` starting at `pos` into the source of a JavaScript class. */
export function parseBracketClass(src: string, pos: number): Parsed<string> {
  const start = pos;
  let negated = false;
  pos++;
  if (src[pos] === "^") {
    negated = true;
    pos++;
  }
  const set: CharSet = { ranges: [], properties: [] };
  // `]` right after `[` or `[^` is a literal, as in RE2.
  for (let first = true; first || src[pos] !== "]"; first = false) {
    if (pos >= src.length) throw new SyntaxError(`missing closing ]: \`${src.slice(start)}\``);
    const end = addPosixClass(src, pos, set) ?? addClassEscape(src, pos, set);
    pos = end ?? addRange(src, pos, set);
  }
  return { value: classSource(set, negated), end: pos + 1 };
}

/** Reads a single-character escape at `pos` (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`). */
function parseEscape(src: string, pos: number): Parsed<number> {
  const c = src[pos + 1];
  if (c === undefined) throw new SyntaxError("trailing backslash at end of expression");
  if (c in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[c], end: pos + 2 };
  // Escaped ASCII punctuation (and `_`, which RE2 allows) stands for itself.
  if (c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c))
    return { value: c.charCodeAt(0), end: pos + 2 };
  const octal = /^(?:0[0-7]{0,2}|[1-7][0-7]{1,2})/.exec(src.slice(pos + 1));
  if (octal) return { value: Number.parseInt(octal[0], 8), end: pos + 1 + octal[0].length };
  const hex = /^x(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/.exec(src.slice(pos + 1));
  if (hex) {
    const value = Number.parseInt(hex[1] ?? hex[2], 16);
    if (value <= MAX_RUNE) return { value, end: pos + 1 + hex[0].length };
  }
  // A lone `\1`…`\9` would be a backreference, which RE2 does not support.
  throw new SyntaxError(`invalid escape sequence: \`${src.slice(pos, pos + 2)}\``);
}

/** Adds `[:name:]` / `[:^name:]` at `pos` to `set`; null when `pos` holds no POSIX class. */
function addPosixClass(src: string, pos: number, set: CharSet): number | null {
  if (!src.startsWith("[:", pos)) return null;
  const close = src.indexOf(":]", pos + 2);
  if (close < 0) return null;
  const text = src.slice(pos, close + 2);
  const negated = src[pos + 2] === "^";
  const name = src.slice(pos + (negated ? 3 : 2), close);
  const ranges = Object.hasOwn(POSIX, name) ? POSIX[name] : undefined;
  if (!ranges) throw new SyntaxError(`invalid character class range: \`${text}\``);
  set.ranges.push(...(negated ? complement(ranges) : ranges));
  return close + 2;
}

/** Adds a Perl or Unicode class escape at `pos` to `set`; null when `pos` holds another escape. */
function addClassEscape(src: string, pos: number, set: CharSet): number | null {
  if (src[pos] !== "\\") return null;
  const c = src[pos + 1];
  const perl = c === undefined ? undefined : PERL[c.toLowerCase()];
  if (perl) {
    set.ranges.push(...(c === c.toUpperCase() ? complement(perl) : perl));
    return pos + 2;
  }
  if (c !== "p" && c !== "P") return null;
  return addUnicodeClass(src, pos, set);
}

/** Adds `\pL`, `\p{Name}`, `\p{^Name}` or their `\P` negations at `pos` to `set`. */
function addUnicodeClass(src: string, pos: number, set: CharSet): number {
  let negated = src[pos + 1] === "P";
  let name: string;
  let end: number;
  if (src[pos + 2] === "{") {
    const close = src.indexOf("}", pos);
    if (close < 0) throw new SyntaxError(`invalid character class range: \`${src.slice(pos)}\``);
    name = src.slice(pos + 3, close);
    end = close + 1;
  } else {
    const cp = src.codePointAt(pos + 2);
    name = cp === undefined ? "" : String.fromCodePoint(cp);
    end = pos + 2 + name.length;
  }
  if (name.startsWith("^")) {
    negated = !negated;
    name = name.slice(1);
  }
  if (name === "Any") {
    if (!negated) set.ranges.push([0, MAX_RUNE]);
    return end;
  }
  const property = unicodeProperty(name);
  if (property === null) {
    throw new SyntaxError(`invalid character class range: \`${src.slice(pos, end)}\``);
  }
  set.properties.push(`\\${negated ? "P" : "p"}{${property}}`);
  return end;
}

/**
 * RE2 knows one- and two-letter general categories (`L`, `Nd`) and script names (`Greek`);
 * JavaScript needs the latter spelled `Script=…`. Null for a name neither knows.
 */
function unicodeProperty(name: string): string | null {
  if (/^[A-Z][a-z]?$/.test(name) && isKnownProperty(`General_Category=${name}`)) return name;
  if (/^\w+$/.test(name) && isKnownProperty(`Script=${name}`)) return `Script=${name}`;
  return null;
}
/** Adds a literal character or a range `a-z` at `pos` to `set`. */
function addRange(src: string, pos: number, set: CharSet): number {
  const lo = classChar(src, pos);
  let hi = lo;
  // `[a-]` is `a` or `-`: a dash right before `]` is a literal.
  if (src[lo.end] === "-" && lo.end + 1 < src.length && src[lo.end + 1] !== "]") {
    hi = classChar(src, lo.end + 1);
    if (hi.value < lo.value) {
      throw new SyntaxError(`invalid character class range: \`${src.slice(pos, hi.end)}\``);
    }
  }
  set.ranges.push([lo.value, hi.value]);
  return hi.end;
}

function classChar(src: string, pos: number): Parsed<number> {
  if (pos >= src.length) throw new SyntaxError("missing closing ]");
  if (src[pos] === "\\") return parseEscape(src, pos);
  const cp = src.codePointAt(pos)!;
  return { value: cp, end: pos + (cp > 0xffff ? 2 : 1) };
}

function classSource(set: CharSet, negated: boolean): string {
  const ranges = set.ranges.map(([lo, hi]) =>
    lo === hi ? literalSource(lo) : `${literalSource(lo)}-${literalSource(hi)}`,
  );
  return `[${negated ? "^" : ""}${ranges.join("")}${set.properties.join("")}]`;
}

/** The code points 0…U+10FFFF that `ranges` does not cover. */
function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

function isKnownProperty(property: string): boolean {
  try {
    new RegExp(`\\p{${property}}`, "u");
    return true;
  } catch {
    return false;
  }
}
