/**
 * Stream selectors (`{app="x", env=~"prod|dev"}`) in the `query` of `labels` and
 * `index/stats` and in the `match[]` of `series`, read as Loki's `syntax.ParseMatchers`:
 * only matchers, no pipeline, errors worded `parse error at line 1, col N: …`. A log query
 * with a pipeline answers `only label matchers are supported`, as Loki does.
 */
import { unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import { compileMatcher } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";

/** Loki's `ErrParseMatchers`. */
export const ONLY_MATCHERS = "only label matchers are supported";
/** Loki's validation of selectors that would match every stream. */
export const EMPTY_COMPATIBLE =
  'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OPERATOR = /=~|!~|!=|=/y;
const SPACE = /\s*/y;
const ESCAPES = new Set("abfnrtv\\'\"xuU01234567");

/**
 * Parses one selector into matchers. With `validate`, at least one matcher must refuse the
 * empty string (Loki refuses `{app=~".*"}` for queries and label lookups, not for series).
 */
export function parseStreamSelector(text: string, validate: boolean): LabelMatcher[] {
  const p = new Cursor(text);
  p.skipSpace();
  p.expect("{");
  const matchers: LabelMatcher[] = [];
  do {
    p.skipSpace();
    matchers.push(p.matcher());
    p.skipSpace();
  } while (p.accept(","));
  p.expect("}");
  p.skipSpace();
  if (!p.atEnd()) {
    // Anything after the braces is a pipeline or a metric query: valid LogQL, not matchers.
    if (/^(\||!=|!~|\[)/.test(text.slice(p.pos))) throw new SyntaxError(ONLY_MATCHERS);
    p.fail("unexpected trailing input");
  }
  if (validate && !matchers.some((m) => !compileMatcher(m)(""))) {
    throw new SyntaxError(EMPTY_COMPATIBLE);
  }
  return matchers;
}

/** A position in the text and the small steps of the selector grammar. */
class Cursor {
  pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    this.pos += this.sticky(SPACE)?.length ?? 0;
  }

  accept(token: string): boolean {
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.accept(token))
      this.fail(`syntax error: unexpected ${this.found()}, expecting ${token}`);
  }

  matcher(): LabelMatcher {
    const name = this.sticky(NAME);
    if (name === undefined)
      this.fail(`syntax error: unexpected ${this.found()}, expecting IDENTIFIER`);
    this.pos += name.length;
    this.skipSpace();
    const op = this.sticky(OPERATOR) as LabelMatcher["type"] | undefined;
    if (op === undefined) this.fail(`syntax error: unexpected ${this.found()}`);
    this.pos += op.length;
    this.skipSpace();
    const value = this.string();
    if (op === "=~" || op === "!~") {
      try {
        compileMatcher({ name, type: op, value });
      } catch (err) {
        this.fail(`invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`);
      }
    }
    return { name, type: op, value };
  }

  /** A `"…"` (Go escapes) or `` `…` `` string literal, decoded. */
  private string(): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "`")
      this.fail(`syntax error: unexpected ${this.found()}, expecting STRING`);
    let i = this.pos + 1;
    while (i < this.text.length && this.text[i] !== quote) {
      if (quote === '"' && this.text[i] === "\\") {
        if (!ESCAPES.has(this.text[i + 1] ?? "")) this.fail("invalid char escape");
        i++;
      }
      if (quote === '"' && this.text[i] === "\n") this.fail("literal not terminated");
      i++;
    }
    if (i >= this.text.length) this.fail("literal not terminated");
    const literal = this.text.slice(this.pos, i + 1);
    this.pos = i + 1;
    return unquote(literal);
  }

  private sticky(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.text)?.[0];
  }

  private found(): string {
    if (this.atEnd()) return "$end";
    return JSON.stringify(this.text[this.pos]);
  }

  /** Throws Loki's parse error at the current position (line and column from 1). */
  fail(reason: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split("\n").length;
    const col = this.pos - before.lastIndexOf("\n");
    throw new SyntaxError(`parse error at line ${line}, col ${col}: ${reason}`);
  }
}
