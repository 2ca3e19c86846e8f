/**
 * The lexer of Go's text/template: text, `{{ }}` actions with `{{- ` / ` -}}` trim markers,
 * comments, and the tokens inside actions. It scans the whole text up front; an error becomes
 * the last token, as Go's lexer emits it.
 */

/** The kinds of token. */
export type ItemType =
  | "error"
  | "eof"
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "bool"
  | "char"
  | "charConstant"
  | "assign"
  | "declare"
  | "field"
  | "identifier"
  | "leftParen"
  | "rightParen"
  | "number"
  | "pipe"
  | "rawString"
  | "string"
  | "variable"
  | "dot"
  | "nil"
  | "keyword";

/** One token: its kind, text, offset and line. */
export interface Item {
  type: ItemType;
  val: string;
  pos: number;
  line: number;
}

const KEYWORDS = new Set([
  "block",
  "break",
  "continue",
  "define",
  "else",
  "end",
  "if",
  "range",
  "template",
  "with",
]);

const LEFT = "{{";
const RIGHT = "}}";

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);
}

/** Splits template text into tokens; the last is `eof` or `error`. */
export function lex(input: string): Item[] {
  return new Lexer(input).run();
}

class Lexer {
  items: Item[] = [];
  pos = 0;
  start = 0;
  line = 1;
  startLine = 1;
  parenDepth = 0;

  constructor(readonly input: string) {}

  run(): Item[] {
    let state: (() => unknown) | null = () => this.text();
    while (state) state = state() as (() => unknown) | null;
    return this.items;
  }

  emit(type: ItemType): void {
    this.items.push({
      type,
      val: this.input.slice(this.start, this.pos),
      pos: this.start,
      line: this.startLine,
    });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += count(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  next(): string | undefined {
    const c = this.input[this.pos];
    if (c === undefined) return undefined;
    const ch = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.pos += ch.length;
    if (ch === "\n") this.line++;
    return ch;
  }

  backup(ch: string | undefined): void {
    if (ch === undefined) return;
    this.pos -= ch.length;
    if (ch === "\n") this.line--;
  }

  peek(): string | undefined {
    const ch = this.next();
    this.backup(ch);
    return ch;
  }

  error(message: string): null {
    this.items.push({ type: "error", val: message, pos: this.start, line: this.startLine });
    return null;
  }

  text(): (() => unknown) | null {
    const at = this.input.indexOf(LEFT, this.pos);
    if (at < 0) {
      this.pos = this.input.length;
      this.line += count(this.input.slice(this.start, this.pos));
      if (this.pos > this.start) this.emit("text");
      this.emit("eof");
      return null;
    }
    this.line += count(this.input.slice(this.pos, at));
    this.pos = at;
    const trim = hasLeftTrim(this.input, at + LEFT.length);
    let end = at;
    if (trim) while (end > this.start && isSpace(this.input[end - 1])) end--;
    if (end > this.start) {
      const saved = this.pos;
      this.pos = end;
      this.emitTextUpTo();
      this.pos = saved;
    }
    this.start = this.pos;
    this.startLine = this.line;
    return () => this.leftDelim(trim);
  }

  emitTextUpTo(): void {
    const val = this.input.slice(this.start, this.pos);
    this.items.push({ type: "text", val, pos: this.start, line: this.startLine });
  }

  leftDelim(trim: boolean): (() => unknown) | null {
    this.pos += LEFT.length;
    const after = trim ? 2 : 0;
    if (this.input.startsWith("/*", this.pos + after)) {
      this.pos += after;
      this.ignore();
      return () => this.comment();
    }
    this.emit("leftDelim");
    this.pos += after;
    this.ignore();
    this.parenDepth = 0;
    return () => this.insideAction();
  }

  comment(): (() => unknown) | null {
    this.pos += 2;
    const end = this.input.indexOf("*/", this.pos);
    if (end < 0) return this.error("unclosed comment");
    this.pos = end + 2;
    const [delim, trim] = this.atRightDelim();
    if (!delim) return this.error("comment ends before closing delimiter");
    this.ignore();
    this.pos += (trim ? 2 : 0) + RIGHT.length;
    this.ignore();
    if (trim) this.trimSpaceAfter();
    return () => this.text();
  }

  atRightDelim(): [boolean, boolean] {
    const at = this.pos;
    if (hasRightTrim(this.input, at) && this.input.startsWith(RIGHT, at + 2)) return [true, true];
    return [this.input.startsWith(RIGHT, at), false];
  }

  trimSpaceAfter(): void {
    while (isSpace(this.input[this.pos])) this.next();
    this.ignore();
  }

  rightDelim(trim: boolean): (() => unknown) | null {
    if (trim) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += RIGHT.length;
    this.emit("rightDelim");
    if (trim) this.trimSpaceAfter();
    return () => this.text();
  }

  insideAction(): (() => unknown) | null {
    const [delim, trim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return this.rightDelim(trim);
      return this.error("unclosed left paren");
    }
    const r = this.next();
    if (r === undefined) return this.error("unclosed action");
    if (isSpace(r)) {
      this.backup(r);
      return this.space();
    }
    switch (r) {
      case "=":
        this.emit("assign");
        return () => this.insideAction();
      case ":":
        if (this.next() !== "=") return this.error("expected :=");
        this.emit("declare");
        return () => this.insideAction();
      case "|":
        this.emit("pipe");
        return () => this.insideAction();
      case '"':
        return this.quote();
      case "`":
        return this.rawQuote();
      case "$":
        return this.fieldOrVariable("variable");
      case "'":
        return this.charConstant();
      case "(":
        this.emit("leftParen");
        this.parenDepth++;
        return () => this.insideAction();
      case ")":
        this.emit("rightParen");
        this.parenDepth--;
        if (this.parenDepth < 0) return this.error(`unexpected right paren ${goRune(r)}`);
        return () => this.insideAction();
    }
    if (r === ".") {
      const c = this.input[this.pos];
      if (c === undefined || c < "0" || c > "9") return this.fieldOrVariable("field");
    }
    if (r === "." || r === "+" || r === "-" || (r >= "0" && r <= "9")) {
      this.backup(r);
      return this.number();
    }
    if (isAlphaNumeric(r)) {
      this.backup(r);
      return this.identifier();
    }
    if (r.codePointAt(0)! < 0x80 && r >= " " && r !== "\x7f") {
      this.emit("char");
      return () => this.insideAction();
    }
    return this.error(`unrecognized character in action: ${goRune(r)}`);
  }

  space(): (() => unknown) | null {
    let n = 0;
    while (isSpace(this.peek())) {
      this.next();
      n++;
    }
    const at = this.pos - 1;
    if (hasRightTrim(this.input, at) && this.input.startsWith(RIGHT, at + 2)) {
      this.backup(this.input[this.pos - 1]);
      if (n === 1) return () => this.insideAction();
    }
    this.emit("space");
    return () => this.insideAction();
  }

  identifier(): (() => unknown) | null {
    let r = this.next();
    while (isAlphaNumeric(r)) r = this.next();
    this.backup(r);
    if (!this.atTerminator()) return this.error(`bad character ${goRune(this.peek()!)}`);
    const word = this.input.slice(this.start, this.pos);
    if (KEYWORDS.has(word)) this.emit("keyword");
    else if (word === "nil") this.emit("nil");
    else if (word === "true" || word === "false") this.emit("bool");
    else this.emit("identifier");
    return () => this.insideAction();
  }

  fieldOrVariable(type: "field" | "variable"): (() => unknown) | null {
    if (this.atTerminator()) {
      this.emit(type === "variable" ? "variable" : "dot");
      return () => this.insideAction();
    }
    let r = this.next();
    while (isAlphaNumeric(r)) r = this.next();
    this.backup(r);
    if (!this.atTerminator()) return this.error(`bad character ${goRune(this.peek()!)}`);
    this.emit(type);
    return () => this.insideAction();
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (r === undefined || isSpace(r)) return true;
    return ".,|:()".includes(r) || r === RIGHT[0];
  }

  charConstant(): (() => unknown) | null {
    for (;;) {
      const r = this.next();
      if (r === "\\") {
        const n = this.next();
        if (n !== undefined && n !== "\n") continue;
      }
      if (r === undefined || r === "\n") return this.error("unterminated character constant");
      if (r === "'") break;
    }
    this.emit("charConstant");
    return () => this.insideAction();
  }

  number(): (() => unknown) | null {
    if (!this.scanNumber())
      return this.error(`bad number syntax: ${quoteGo(this.input.slice(this.start, this.pos))}`);
    this.emit("number");
    return () => this.insideAction();
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== undefined && valid.includes(r)) return true;
    this.backup(r);
    return false;
  }

  acceptRun(valid: string): void {
    let r = this.next();
    while (r !== undefined && valid.includes(r)) r = this.next();
    this.backup(r);
  }

  scanNumber(): boolean {
    this.accept("+-");
    let digits = "0123456789_";
    if (this.accept("0")) {
      if (this.accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (this.accept("oO")) digits = "01234567_";
      else if (this.accept("bB")) digits = "01_";
    }
    this.acceptRun(digits);
    if (this.accept(".")) this.acceptRun(digits);
    if (digits.length === 11 && this.accept("eE")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    if (digits.length === 23 && this.accept("pP")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    this.accept("i");
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  quote(): (() => unknown) | null {
    for (;;) {
      const r = this.next();
      if (r === "\\") {
        const n = this.next();
        if (n !== undefined && n !== "\n") continue;
      }
      if (r === undefined || r === "\n") return this.error("unterminated quoted string");
      if (r === '"') break;
    }
    this.emit("string");
    return () => this.insideAction();
  }

  rawQuote(): (() => unknown) | null {
    const end = this.input.indexOf("`", this.pos);
    if (end < 0) return this.error("unterminated raw quoted string");
    this.line += count(this.input.slice(this.pos, end));
    this.pos = end + 1;
    this.emit("rawString");
    return () => this.insideAction();
  }
}

/** Whether `s` holds `- ` (a trim marker after a left delimiter) at `at`. */
function hasLeftTrim(s: string, at: number): boolean {
  return s[at] === "-" && isSpace(s[at + 1]);
}

/** Whether `s` holds ` -` (a trim marker before a right delimiter) at `at`. */
function hasRightTrim(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === "-";
}

function count(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** Go's `%#U` of a rune: `U+007D '}'`. */
export function goRune(r: string): string {
  const hex = r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `U+${hex} '${r}'`;
}

/** Go's `%q` of a string (strconv.Quote), for messages. */
export function quoteGo(s: string): string {
  return JSON.stringify(s);
}
