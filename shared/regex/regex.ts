/**
 * Relabel and label-matcher regexes are RE2 (Go's regexp/syntax) and Prometheus 3 compiles each one as
 * `^(?s:<regex>)$`. JavaScript's dialect differs in ways that change results (`\s`, `.` and
 * `$` mean other things; `\Q…\E`, `(?U)`, `[[:alpha:]]` and Go group names do not exist), so
 * the pattern is translated token by token into JavaScript `u`-mode syntax rather than passed
 * through. Only the case-insensitive flag is left to JavaScript, as a `(?i:…)` modifier
 * group (supported by JavaScriptCore); `s`, `m` and `U` are applied while translating.
 *
 * Known differences, all in rare corners: RE2's limits on nested repeat counts and nesting
 * depth are not enforced; `\pC` also matches unassigned code points; script names are also
 * accepted in their four-letter form (`Grek`).
 */
import {
  literalEscape,
  literalSource,
  parseBracketClass,
  parseClassEscape,
} from "./regex_class.ts";

/** A relabel regex compiled for JavaScript, with Go's capture-group names kept beside it. */
export interface RelabelRegex {
  /** The pattern as written in the config (RE2 syntax). */
  readonly source: string;
  /** The anchored JavaScript translation. */
  readonly regexp: RegExp;
  /**
   * Name of each capture group by index ("" when unnamed; index 0 is the whole match).
   * Kept here rather than as JavaScript named groups because Go allows names JavaScript
   * does not (`(?P<1x>…)`, repeated names).
   */
  readonly groupNames: readonly string[];
}

/** Compiles a relabel regex the way Prometheus does: RE2 syntax, anchored, `.` matching `\n`. */
export function compileRegex(pattern: string): RelabelRegex {
  try {
    if (!pattern.isWellFormed()) throw new SyntaxError("invalid UTF-8");
    const translator = new Translator(pattern);
    const body = translator.translate();
    const regexp = new RegExp(`^(?:${body})$`, "u");
    return { source: pattern, regexp, groupNames: translator.groupNames };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SyntaxError(`Cannot compile relabel regex "${pattern}": ${reason}`);
  }
}

/** RE2 flags that change how the rest of a group is read. */
interface Flags {
  foldCase: boolean; // i
  multiLine: boolean; // m
  dotNL: boolean; // s
  ungreedy: boolean; // U
}

/** Prometheus wraps every regex in `(?s:…)`. */
const PROMETHEUS_FLAGS: Flags = { foldCase: false, multiLine: false, dotNL: true, ungreedy: false };

/** RE2's empty-width escapes; grouped because RE2, unlike JavaScript, lets them repeat. */
const ASSERTIONS: Record<string, string> = {
  A: "(?:^)",
  z: "(?:$)",
  b: "(?:\\b)",
  B: "(?:\\B)",
};

/** An open group: the flags to restore when it closes, and the `(?i:` modifiers opened inside. */
interface Frame {
  readonly saved: Flags;
  readonly foldAtStart: boolean;
  openModifiers: number;
}

class Translator {
  readonly groupNames: string[] = [""];
  private pos = 0;
  private out = "";
  private flags = PROMETHEUS_FLAGS;
  private readonly frames: Frame[] = [
    { saved: PROMETHEUS_FLAGS, foldAtStart: false, openModifiers: 0 },
  ];
  /** Whether the last token can take a repetition operator, and whether it already has one. */
  private operand: "none" | "atom" | "repeated" = "none";
  private lastRepeat = "";

  constructor(private readonly src: string) {}

  translate(): string {
    while (this.pos < this.src.length) this.step();
    if (this.frames.length > 1) throw new SyntaxError(`missing closing ): \`${this.src}\``);
    this.out += ")".repeat(this.frames[0].openModifiers);
    return this.out;
  }

  private step(): void {
    const c = this.src[this.pos];
    if (c === "(") this.openParen();
    else if (c === ")") this.closeGroup();
    else if (c === "|") this.alternate();
    else if (c === "*" || c === "+" || c === "?") this.repeat(c, 1);
    else if (c === "{") this.braces();
    else if (c === "\\") this.escape();
    else if (c === "[") {
      const parsed = parseBracketClass(this.src, this.pos);
      this.atom(parsed.value, parsed.end - this.pos);
    } else {
      const cp = this.src.codePointAt(this.pos)!;
      this.atom(this.special(c) ?? literalSource(cp), cp > 0xffff ? 2 : 1);
    }
  }

  /** The translation of `^`, `$` and `.` under the current flags. */
  private special(c: string): string | undefined {
    const { multiLine, dotNL } = this.flags;
    // Lines end only at `\n` in RE2; JavaScript's `m` flag also breaks at `\r`, U+2028, U+2029.
    if (c === "^") return multiLine ? "(?:(?<![^\\n]))" : "(?:^)";
    if (c === "$") return multiLine ? "(?:(?![^\\n]))" : "(?:$)";
    if (c === ".") return dotNL ? "[^]" : "[^\\n]";
    return undefined;
  }

  private atom(source: string, length: number): void {
    this.out += source;
    this.pos += length;
    this.operand = "atom";
  }

  private escape(): void {
    const next = this.src[this.pos + 1];
    if (next !== undefined && Object.hasOwn(ASSERTIONS, next)) {
      this.atom(ASSERTIONS[next], 2);
    } else if (next === "Q") {
      this.quoted();
    } else {
      const parsed = parseClassEscape(this.src, this.pos) ?? literalEscape(this.src, this.pos);
      this.atom(parsed.value, parsed.end - this.pos);
    }
  }

  /** `\Q…\E`: everything up to `\E` (or the end) is literal. */
  private quoted(): void {
    const close = this.src.indexOf("\\E", this.pos + 2);
    const end = close < 0 ? this.src.length : close;
    for (const char of this.src.slice(this.pos + 2, end)) {
      this.out += literalSource(char.codePointAt(0)!);
      this.operand = "atom";
    }
    this.pos = close < 0 ? end : end + 2;
  }

  private repeat(operator: string, length: number): void {
    const start = this.pos;
    const text = this.src.slice(start, start + length);
    if (this.operand === "none") {
      throw new SyntaxError(`missing argument to repetition operator: \`${text}\``);
    }
    if (this.operand === "repeated") {
      throw new SyntaxError(`invalid nested repetition operator: \`${this.lastRepeat}${text}\``);
    }
    this.pos += length;
    let lazy = this.flags.ungreedy;
    if (this.src[this.pos] === "?") {
      lazy = !lazy;
      this.pos++;
    }
    this.out += operator + (lazy ? "?" : "");
    this.operand = "repeated";
    this.lastRepeat = this.src.slice(start, this.pos);
  }

  /** `{n}`, `{n,}` or `{n,m}`; anything else starting with `{` is a literal brace in RE2. */
  private braces(): void {
    const count = parseRepeatCount(this.src.slice(this.pos));
    if (count === null) this.atom(literalSource(0x7b), 1);
    else this.repeat(count.operator, count.length);
  }

  /** `(` captures; `(?<…` is a named group (so `(?<=…)` fails as a bad name, as in Go). */
  private openParen(): void {
    const rest = this.src.slice(this.pos);
    if (!rest.startsWith("(?")) this.capture("", 1);
    else if (/^\(\?P?</.test(rest)) this.namedCapture(rest);
    else this.flagGroup(rest);
  }

  /** `(?P<name>…)` or `(?<name>…)`; RE2 names are ASCII letters, digits and `_`. */
  private namedCapture(rest: string): void {
    const close = rest.indexOf(">");
    const name = close < 0 ? "" : rest.slice(rest.indexOf("<") + 1, close);
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      const shown = close < 0 ? rest : rest.slice(0, close + 1);
      throw new SyntaxError(`invalid named capture: \`${shown}\``);
    }
    this.capture(name, close + 1);
  }

  private capture(name: string, length: number): void {
    this.groupNames.push(name);
    this.pos += length;
    this.openGroup("(", this.flags);
  }

  /** `(?flags)` changes the rest of the current group; `(?flags:…)` opens a group. */
  private flagGroup(rest: string): void {
    const match = /^\(\?([imsU]*)(?:-([imsU]+))?([:)])/.exec(rest);
    if (match === null) {
      const shown = /^\(\?[\w-]*.?/.exec(rest)![0];
      throw new SyntaxError(`invalid or unsupported Perl syntax: \`${shown}\``);
    }
    const flags = applyFlags(this.flags, match[1], match[2] ?? "");
    this.pos += match[0].length;
    if (match[3] === ":") {
      const opener = flags.foldCase === this.flags.foldCase ? "(?:" : modifier(flags.foldCase);
      this.openGroup(opener, flags);
      return;
    }
    if (flags.foldCase !== this.flags.foldCase) {
      this.out += modifier(flags.foldCase);
      this.frames[this.frames.length - 1].openModifiers++;
    }
    this.flags = flags;
    this.operand = "none";
  }

  private openGroup(opener: string, flags: Flags): void {
    this.frames.push({ saved: this.flags, foldAtStart: flags.foldCase, openModifiers: 0 });
    this.flags = flags;
    this.out += opener;
    this.operand = "none";
  }

  private closeGroup(): void {
    // Prometheus pastes the regex into `^(?s:…)$`, so a stray `)` there would close its
    // wrapper; we reject it instead of reproducing that accident.
    if (this.frames.length === 1) throw new SyntaxError(`unexpected ): \`${this.src}\``);
    const frame = this.frames.pop()!;
    this.out += `${")".repeat(frame.openModifiers)})`;
    this.flags = frame.saved;
    this.pos++;
    this.operand = "atom";
  }

  /** Flags set by `(?i)` last to the end of the group, across `|`, so modifiers reopen. */
  private alternate(): void {
    const frame = this.frames[this.frames.length - 1];
    this.out += `${")".repeat(frame.openModifiers)}|`;
    frame.openModifiers = 0;
    if (this.flags.foldCase !== frame.foldAtStart) {
      this.out += modifier(this.flags.foldCase);
      frame.openModifiers = 1;
    }
    this.pos++;
    this.operand = "none";
  }
}

/**
 * Reads `{n}`, `{n,}` or `{n,m}` at the start of `text` as RE2 does: null (a literal `{`)
 * when malformed or a number has a leading zero; an error when a count exceeds 1000.
 */
function parseRepeatCount(text: string): { operator: string; length: number } | null {
  const match = /^\{(\d+)(,(\d*))?\}/.exec(text);
  if (match === null || [match[1], match[3]].some((n) => n && n.length > 1 && n[0] === "0")) {
    return null;
  }
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
  if (min > 1000 || (max !== Infinity && (max > 1000 || max < min))) {
    throw new SyntaxError(`invalid repeat count: \`${match[0]}\``);
  }
  const operator = max === min ? `{${min}}` : max === Infinity ? `{${min},}` : `{${min},${max}}`;
  return { operator, length: match[0].length };
}

/** Applies RE2 flag letters (`i`, `m`, `s`, `U`): `set` turns them on, `clear` off. */
function applyFlags(flags: Flags, set: string, clear: string): Flags {
  const next = { ...flags };
  for (const [chars, on] of [
    [set, true],
    [clear, false],
  ] as const) {
    for (const c of chars) {
      if (c === "i") next.foldCase = on;
      if (c === "m") next.multiLine = on;
      if (c === "s") next.dotNL = on;
      if (c === "U") next.ungreedy = on;
    }
  }
  return next;
}

function modifier(foldCase: boolean): string {
  return foldCase ? "(?i:" : "(?-i:";
}
