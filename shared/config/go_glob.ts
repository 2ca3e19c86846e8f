/**
 * Go's `filepath.Glob` and `filepath.Match` (Unix), for the globs a Go program's config holds
 * (alertmanager.yml's `templates`): `*` and `?` within one path segment (dot files included),
 * `[abc]`, `[a-z]` and `[^a-z]` classes, `\` escapes; no `{a,b}` and no `**`, which are
 * literal text and a `*` to Go. A malformed pattern is refused with Go's words, even where
 * nothing would match; a directory the pattern names is matched as any file is.
 */
import { lstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

type Token =
  | { readonly kind: "star" }
  | { readonly kind: "one" }
  | { readonly kind: "char"; readonly char: string }
  | { readonly kind: "class"; readonly negated: boolean; readonly ranges: [string, string][] };

const BAD_PATTERN = "syntax error in pattern";
const META = /[*?[\\]/;

/** The pattern's tokens; throws SyntaxError("syntax error in pattern") as Go's ErrBadPattern. */
function tokenize(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  // One class member: a character, `\` and the character it escapes; never `-` or `]` bare.
  const member = (): string => {
    const c = chars[i];
    if (c === undefined || c === "-" || c === "]") throw new SyntaxError(BAD_PATTERN);
    i++;
    if (c !== "\\") return c;
    const escaped = chars[i++];
    if (escaped === undefined) throw new SyntaxError(BAD_PATTERN);
    return escaped;
  };
  while (i < chars.length) {
    const c = chars[i++]!;
    if (c === "*") tokens.push({ kind: "star" });
    else if (c === "?") tokens.push({ kind: "one" });
    else if (c === "\\") {
      if (i === chars.length) throw new SyntaxError(BAD_PATTERN);
      tokens.push({ kind: "char", char: chars[i++]! });
    } else if (c === "[") {
      const negated = chars[i] === "^";
      if (negated) i++;
      const ranges: [string, string][] = [];
      // A class holds at least one member; the first `]` after one closes it.
      while (ranges.length === 0 || chars[i] !== "]") {
        const lo = member();
        let hi = lo;
        if (chars[i] === "-") {
          i++;
          hi = member();
        }
        ranges.push([lo, hi]);
      }
      i++;
      tokens.push({ kind: "class", negated, ranges });
    } else tokens.push({ kind: "char", char: c });
  }
  return tokens;
}

function matchesToken(token: Token, c: string): boolean {
  switch (token.kind) {
    case "one":
      return c !== "/";
    case "char":
      return token.char === c;
    case "class": {
      const cp = c.codePointAt(0)!;
      const inside = token.ranges.some(
        ([lo, hi]) => lo.codePointAt(0)! <= cp && cp <= hi.codePointAt(0)!,
      );
      return inside !== token.negated;
    }
    default:
      return false;
  }
}

/** Whether `name` matches the tokens from `t` on, from its character `n` on. */
function matchFrom(
  tokens: readonly Token[],
  t: number,
  name: readonly string[],
  n: number,
): boolean {
  if (t === tokens.length) return n === name.length;
  const token = tokens[t]!;
  if (token.kind === "star") {
    // A star takes any run of characters short of a separator; try each, shortest first.
    for (let end = n; end <= name.length; end++) {
      if (matchFrom(tokens, t + 1, name, end)) return true;
      if (name[end] === "/") return false;
    }
    return false;
  }
  return n < name.length && matchesToken(token, name[n]!) && matchFrom(tokens, t + 1, name, n + 1);
}

/** Go's `filepath.Match`: whether `name` matches all of `pattern`; throws on a bad pattern. */
export function goMatch(pattern: string, name: string): boolean {
  return matchFrom(tokenize(pattern), 0, Array.from(name), 0);
}

/**
 * Go's `filepath.Glob`: the paths `pattern` matches, each directory's entries in byte order;
 * a pattern without glob characters is returned as it is when something is there. Throws
 * SyntaxError("syntax error in pattern") for a malformed pattern.
 */
export function goGlob(pattern: string): string[] {
  tokenize(pattern);
  if (!META.test(pattern)) return exists(pattern) ? [pattern] : [];
  const slash = pattern.lastIndexOf("/");
  const base = pattern.slice(slash + 1);
  let dir = pattern.slice(0, slash + 1);
  if (dir === "") dir = ".";
  else if (dir !== "/") dir = dir.slice(0, -1);
  const dirs = META.test(dir) ? goGlob(dir) : [dir];
  return dirs.flatMap((d) => entriesMatching(d, base));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The entries of directory `dir` whose names match `pattern`; none when it is no directory. */
function entriesMatching(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const tokens = tokenize(pattern);
  return names
    .sort(byBytes)
    .filter((n) => matchFrom(tokens, 0, Array.from(n), 0))
    .map((n) => join(dir, n));
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
