/**
 * Go's strings functions as templates use them: ToUpper, ToLower and Title map rune by rune
 * with Unicode's simple case mappings (so `ß` stays `ß`, unlike JavaScript's toUpperCase),
 * and regexp's ReplaceAllString through the project's RE2 engine.
 */
import { expandTemplate } from "../../shared/regex/expand.ts";
import { compileSearch, RegexError } from "../../shared/regex/regex.ts";
import type { Value } from "./values.ts";

function mapRunes(s: string, f: (ch: string) => string): string {
  let out = "";
  for (const ch of s) out += f(ch);
  return out;
}

function upper(ch: string): string {
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}

function lower(ch: string): string {
  const l = ch.toLowerCase();
  return [...l].length === 1 ? l : [...l][0]!;
}

/** Go's strings.ToUpper. */
export function toUpper(s: Value): string {
  return mapRunes(s as string, upper);
}

/** Go's strings.ToLower. */
export function toLower(s: Value): string {
  return mapRunes(s as string, lower);
}

function isSeparator(ch: string): boolean {
  if (ch.codePointAt(0)! <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** Go's (deprecated) strings.Title: the first letter of each word in title case. */
export function title(s: Value): string {
  let prev = " ";
  return mapRunes(s as string, (ch) => {
    const out = isSeparator(prev) ? upper(ch) : ch;
    prev = ch;
    return out;
  });
}

/** Go's regexp.MustCompile(pattern).ReplaceAllString(text, repl). */
export function reReplaceAll(pattern: Value, repl: Value, text: Value): string {
  let re: ReturnType<typeof compileSearch>;
  try {
    re = compileSearch(pattern as string);
  } catch (error) {
    if (error instanceof RegexError) {
      const p = pattern as string;
      const quoted = /[`\u0000-\u0008\u000a-\u001f\u007f]/.test(p) ? JSON.stringify(p) : `\`${p}\``;
      throw new Error(`regexp: Compile(${quoted}): error parsing regexp: ${error.reason}`);
    }
    throw error;
  }
  const t = text as string;
  let out = "";
  let last = 0;
  for (const at of re.findAll(t)) {
    out += t.slice(last, at[0]);
    const groups = [];
    for (let g = 0; g < at.length; g += 2)
      groups.push(at[g]! < 0 ? undefined : t.slice(at[g], at[g + 1]));
    out += expandTemplate(repl as string, groups, re.groupNames);
    last = at[1]!;
  }
  return out + t.slice(last);
}
