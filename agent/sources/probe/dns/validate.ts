import { RCODES, rcodeName } from "../../../../shared/dns/codes.ts";
import type { ResourceRecord } from "../../../../shared/dns/wire.ts";
import { compileSearch, type Regex } from "../../../../shared/regex/regex.ts";
import type { RRValidator } from "./config.ts";

/**
 * The checks blackbox_exporter 0.23 makes on an answer once it arrived: its rcode, then the
 * records of each section against the module's regexes. Each check returns null when it
 * passes, else the reason the probe fails.
 */

/** Null when `rcode` is one of the `valid` names, else why not. */
export function checkRcode(rcode: number, valid: readonly string[]): string | null {
  if (valid.some((name) => RCODES[name] === rcode)) return null;
  return `rcode ${rcodeName(rcode)} is not one of the valid rcodes (${valid.join(", ") || "none"})`;
}

/** A regex with its pattern as configured, for messages. */
interface Search {
  pattern: string;
  re: Regex;
}

interface Compiled {
  failIfMatches: Search[];
  failIfAllMatch: Search[];
  failIfNotMatches: Search[];
  failIfNoneMatches: Search[];
}

// Keyed by the loaded config object, so each module's regexes compile once.
const compiled = new WeakMap<RRValidator, Compiled>();

function compile(v: RRValidator): Compiled {
  let c = compiled.get(v);
  if (!c) {
    const all = (patterns: string[]) =>
      patterns.map((pattern) => ({ pattern, re: compileSearch(pattern) }));
    c = {
      failIfMatches: all(v.fail_if_matches_regexp),
      failIfAllMatch: all(v.fail_if_all_match_regexp),
      failIfNotMatches: all(v.fail_if_not_matches_regexp),
      failIfNoneMatches: all(v.fail_if_none_matches_regexp),
    };
    compiled.set(v, c);
  }
  return c;
}

/**
 * Null when the records of one section pass the checks, else why not. Mirrors
 * blackbox_exporter 0.23 exactly, including that `fail_if_all_match_regexp` fails when
 * some record does *not* match (and passes on an empty section).
 */
export function checkRecords(
  section: string,
  records: readonly ResourceRecord[],
  v: RRValidator,
): string | null {
  const c = compile(v);
  if (records.length === 0 && c.failIfNotMatches.length > 0)
    return `no ${section} records, but fail_if_not_matches_regexp is set`;
  if (records.length === 0 && c.failIfNoneMatches.length > 0)
    return `no ${section} records, but fail_if_none_matches_regexp is set`;
  let allMatch = true;
  let anyMatch = false;
  for (const { text } of records) {
    const bad = c.failIfMatches.find((s) => s.re.test(text));
    if (bad) return `${section} record "${text}" matches fail_if_matches_regexp "${bad.pattern}"`;
    if (c.failIfAllMatch.some((s) => !s.re.test(text))) allMatch = false;
    const missed = c.failIfNotMatches.find((s) => !s.re.test(text));
    if (missed)
      return `${section} record "${text}" does not match fail_if_not_matches_regexp "${missed.pattern}"`;
    if (c.failIfNoneMatches.some((s) => s.re.test(text))) anyMatch = true;
  }
  if (c.failIfAllMatch.length > 0 && !allMatch)
    return `not all ${section} records match fail_if_all_match_regexp`;
  if (c.failIfNoneMatches.length > 0 && !anyMatch)
    return `no ${section} record matches fail_if_none_matches_regexp`;
  return null;
}
