/**
 * What the silence endpoints do, apart from any transport: list with Alertmanager's filter and
 * order, and create or update with its checks. Alertmanager's API v2 (silences.ts) and the
 * Connect service (api/connect/alerts/) both call these.
 */
import { type Matcher, parseMatcher } from "../matchers.ts";
import { type Silence, SilenceError } from "../silences/silence.ts";
import type { SilenceInput, SilenceStore } from "../silences/store.ts";
import { sortSilences } from "./silence_json.ts";

/** The silences that pass the filter matchers, in Alertmanager's order; throws MatcherError. */
export function findSilences(store: SilenceStore, filter: readonly string[]): Silence[] {
  const matchers = filter.map(parseMatcher);
  const found = store.list().filter((s) => matchesFilter(s, matchers));
  return sortSilences(found, store.now());
}

/**
 * Creates (no id) or updates a silence; returns its id. Throws a SilenceError with
 * Alertmanager's words: `invalid` for bad times or matchers, `not_found` for an unknown id.
 */
export async function setSilence(store: SilenceStore, input: SilenceInput): Promise<string> {
  const invalid = (why: string) => new SilenceError("invalid", `Failed to create silence: ${why}`);
  if (input.startsAt >= input.endsAt) throw invalid("start time must be before end time");
  if (input.endsAt < store.now()) throw invalid("end time can't be in the past");
  return store.set(input);
}

/**
 * Alertmanager's filter on silences: each filter matcher is tested against the value the
 * silence's matcher of that name compares with ("" when it has none); an empty filter value
 * asks only that the silence has (`=`) or lacks (`!=`) a matcher of that name.
 */
function matchesFilter(s: Silence, filter: readonly Matcher[]): boolean {
  const values = new Map(s.matchers.map((m) => [m.name, m.value]));
  return filter.every((f) => {
    const v = values.get(f.name);
    const negative = f.type === "!=" || f.type === "!~";
    if (f.value === "" && (negative ? v !== undefined : v === undefined)) return true;
    return f.matches(v ?? "");
  });
}
