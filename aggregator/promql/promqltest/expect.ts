/**
 * `expect` lines of an eval block: `expect fail|warn|info|no_warn|no_info|ordered`, optionally
 * `msg: <exact text>` or `regex: <pattern>`, and `expect string "…"`.
 */
import { unquoteGo as unquote } from "../../../shared/model/go_string.ts";

/** What an `expect` line asserts. */
export type ExpectKind = "fail" | "warn" | "info" | "no_warn" | "no_info" | "ordered";

/** One `expect` line: its kind and how it matches a message (exact text, or a regex). */
export interface Expect {
  readonly kind: ExpectKind;
  readonly message: string | null;
  readonly regex: RegExp | null;
}

const EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
/** A bare `expect fail` matches any message as Go's `^.*$` does (one line, unanchored flags). */
const ANY = /^.*$/;

/** True when `text` satisfies the expectation's message or pattern. */
export function expectMatches(e: Expect, text: string): boolean {
  if (e.regex === null) return e.message === text;
  return e.regex.test(text);
}

/** Describes the expectation's matcher for messages: `message "…"` or `pattern "…"`. */
export function describeExpect(e: Expect): string {
  return e.regex === null
    ? `message ${JSON.stringify(e.message)}`
    : `pattern ${JSON.stringify(e.regex.source)}`;
}

/**
 * Parses an `expect <kind> [msg|regex: <text>]` line, rejecting the combinations promqltest
 * rejects (warn with no_warn, info with no_info, two fail lines) given the earlier `previous`.
 */
export function parseExpectLine(line: string, previous: readonly Expect[]): Expect {
  const m = EXPECT.exec(line.trim());
  if (m === null) {
    throw new Error(
      "invalid expect statement, must match `expect <type> <match_type>: <string>` format",
    );
  }
  const kind = m[1] as ExpectKind;
  let expect: Expect = { kind, message: null, regex: ANY };
  if (m[2] === "msg") expect = { kind, message: m[3].trim(), regex: null };
  if (m[2] === "regex") {
    try {
      expect = { kind, message: null, regex: new RegExp(m[3].trim()) };
    } catch {
      throw new Error(`invalid regex ${m[3].trim()} for ${kind}`);
    }
  }
  const has = (k: ExpectKind) => k === kind || previous.some((p) => p.kind === k);
  if (has("info") && has("no_info")) {
    throw new Error("invalid expect lines, info and no_info cannot be used together");
  }
  if (has("warn") && has("no_warn")) {
    throw new Error("invalid expect lines, warn and no_warn cannot be used together");
  }
  if (kind === "fail" && previous.some((p) => p.kind === "fail")) {
    throw new Error("invalid expect lines, multiple expect fail lines are not allowed");
  }
  return expect;
}

/** Parses `expect string "<literal>"` (double quotes or backquotes) into the expected string. */
export function parseExpectString(line: string): string {
  const literal = line.startsWith("expect string ") ? line.slice("expect string ".length) : "";
  if (literal === "") {
    throw new Error("expected string literal not valid - a quoted string literal is required");
  }
  try {
    return unquote(literal);
  } catch {
    throw new Error(
      "expected string literal not valid - check that the string is correctly quoted",
    );
  }
}
