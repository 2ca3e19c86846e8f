import type { Labels } from "../../../shared/model/labels.ts";
import { compileRegex, type Regex, RegexError } from "../../../shared/regex/regex.ts";
import { LiteralError, readLiteral } from "./literal.ts";

/**
 * PromQL series selectors (`node_cpu_seconds_total`, `{__name__=~"node_cpu_.*", mode!="idle"}`)
 * parsed on their own, so the agent needs no query engine. Matching follows Prometheus: an
 * absent label has the value "", and regexes are RE2, anchored at both ends.
 */

/** How a matcher compares a label's value. */
export type MatchType = "=" | "!=" | "=~" | "!~";

/** One `name op "value"` condition of a selector. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** The compiled value for `=~` and `!~`; null otherwise. */
  readonly regex: Regex | null;
}

/** A parsed series selector: every matcher must hold. */
export interface Selector {
  readonly text: string;
  readonly matchers: readonly LabelMatcher[];
}

const METRIC_START = /[a-zA-Z_:]/;
const METRIC_REST = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_REST = /[a-zA-Z0-9_]/;
const QUOTES = new Set(['"', "'", "`"]);

/** A selector could not be parsed; `column` is 1-based, 0 when the whole selector is at fault. */
export class SelectorError extends SyntaxError {
  constructor(
    readonly selector: string,
    readonly reason: string,
    readonly column: number,
  ) {
    const where = column > 0 ? ` at column ${column}` : "";
    super(`Cannot parse selector ${JSON.stringify(selector)}: ${reason}${where}`);
  }
}

/** Parses a PromQL series selector; throws {@link SelectorError} saying what is wrong and where. */
export function parseSelector(text: string): Selector {
  const matchers = new SelectorParser(text).parse();
  if (!matchers.some((m) => !matchesValue(m, ""))) {
    throw new SelectorError(
      text,
      "a selector needs at least one matcher that does not match an empty value",
      0,
    );
  }
  return { text, matchers };
}

/** True when `labels` satisfy every matcher of `selector`. */
export function matchesSelector(selector: Selector, labels: Labels): boolean {
  for (const m of selector.matchers) {
    let value = "";
    for (let i = 0; i < labels.length; i += 2) {
      if (labels[i] === m.name) {
        value = labels[i + 1];
        break;
      }
    }
    if (!matchesValue(m, value)) return false;
  }
  return true;
}

function matchesValue(m: LabelMatcher, value: string): boolean {
  switch (m.type) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return m.regex!.test(value);
    case "!~":
      return !m.regex!.test(value);
  }
}

/** A recursive-descent reader over the selector text; `i` is the read position. */
class SelectorParser {
  private i = 0;
  private readonly matchers: LabelMatcher[] = [];
  private hasName = false;

  constructor(private readonly text: string) {}

  parse(): LabelMatcher[] {
    this.skipSpace();
    if (METRIC_START.test(this.peek())) {
      const at = this.i;
      this.setName(this.word(METRIC_REST), at);
      this.skipSpace();
    }
    if (this.peek() === "{") this.braces();
    else if (!this.hasName) this.fail('expected a metric name or "{"');
    this.skipSpace();
    if (this.i < this.text.length) this.fail(`unexpected ${JSON.stringify(this.peek())}`);
    return this.matchers;
  }

  /** `{ item, item, … }` with an optional trailing comma. */
  private braces(): void {
    this.i++;
    this.skipSpace();
    while (this.peek() !== "}") {
      this.item();
      this.skipSpace();
      if (this.peek() === ",") {
        this.i++;
        this.skipSpace();
      } else if (this.peek() !== "}") this.fail('expected "," or "}"');
    }
    this.i++;
  }

  /** `label op "value"`, or a bare quoted metric name (Prometheus 3's `{"my.metric"}`). */
  private item(): void {
    const at = this.i;
    let name: string;
    if (QUOTES.has(this.peek())) name = this.literal();
    else if (LABEL_START.test(this.peek())) name = this.word(LABEL_REST);
    else this.fail("expected a label name");
    this.skipSpace();
    const quoted = QUOTES.has(this.text[at]);
    if (quoted && (this.peek() === "," || this.peek() === "}")) {
      this.setName(name, at);
      return;
    }
    const type = this.operator();
    this.skipSpace();
    if (!QUOTES.has(this.peek())) this.fail("expected a quoted label value");
    const valueAt = this.i;
    const value = this.literal();
    if (name === "__name__") {
      // Several __name__ matchers may narrow each other, as in Prometheus; a bare name may not.
      if (this.hasName) this.failAt("the metric name is set twice", at);
    }
    this.matchers.push({ name, type, value, regex: this.regex(type, value, valueAt) });
  }

  private setName(name: string, at: number): void {
    if (this.hasName || this.matchers.some((m) => m.name === "__name__")) {
      this.failAt("the metric name is set twice", at);
    }
    this.hasName = true;
    this.matchers.push({ name: "__name__", type: "=", value: name, regex: null });
  }

  private operator(): MatchType {
    const two = this.text.slice(this.i, this.i + 2);
    if (two === "!=" || two === "=~" || two === "!~") {
      this.i += 2;
      return two;
    }
    if (this.peek() !== "=") this.fail("expected one of =, !=, =~, !~");
    this.i++;
    return "=";
  }

  private regex(type: MatchType, value: string, at: number): Regex | null {
    if (type !== "=~" && type !== "!~") return null;
    try {
      return compileRegex(value);
    } catch (error) {
      if (!(error instanceof RegexError)) throw error;
      return this.failAt(`invalid regex ${JSON.stringify(value)} (${error.reason})`, at);
    }
  }

  private literal(): string {
    try {
      const { value, end } = readLiteral(this.text, this.i);
      this.i = end;
      return value;
    } catch (error) {
      if (error instanceof LiteralError) this.failAt(error.message, error.at);
      throw error;
    }
  }

  private word(rest: RegExp): string {
    const start = this.i++;
    while (this.i < this.text.length && rest.test(this.text[this.i])) this.i++;
    return this.text.slice(start, this.i);
  }

  private skipSpace(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private peek(): string {
    return this.text[this.i] ?? "";
  }

  private fail(reason: string): never {
    if (this.i >= this.text.length)
      throw new SelectorError(this.text, `${reason}, found the end`, this.i + 1);
    return this.failAt(reason, this.i);
  }

  private failAt(reason: string, index: number): never {
    throw new SelectorError(this.text, reason, index + 1);
  }
}
