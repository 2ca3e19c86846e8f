/**
 * Alertmanager's silence: matchers that mute the alerts they all match between `startsAt` and
 * `endsAt`. Times are milliseconds since the epoch; the state follows from them and the clock
 * (pending before the start, expired after the end, active in between, both ends included).
 * Validation refuses what Alertmanager 0.25 refuses, with its words.
 */
import { type Matcher, MatcherError, type MatchType, newMatcher } from "../matchers.ts";

/** A silence's matcher as the API writes it. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  /** False for `!=` and `!~`. */
  readonly isEqual: boolean;
}

/** One silence. */
export interface Silence {
  /** A UUID, given when the silence is created. */
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** Where a silence stands at a time. */
export type SilenceState = "pending" | "active" | "expired";

/** Why a silence cannot be set or found; `invalid` maps to 400, `not_found` to 404. */
export class SilenceError extends Error {
  override readonly name = "SilenceError";
  constructor(
    readonly kind: "invalid" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

/** The state of a silence at `now`. */
export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return "pending";
  if (now > s.endsAt) return "expired";
  return "active";
}

/** The operator a silence matcher stands for. */
export function matchTypeOf(m: SilenceMatcher): MatchType {
  if (m.isRegex) return m.isEqual ? "=~" : "!~";
  return m.isEqual ? "=" : "!=";
}

/** Compiles a silence's matchers (regexes anchored, in RE2); throws a MatcherError on a bad regex. */
export function compileMatchers(ms: readonly SilenceMatcher[]): Matcher[] {
  return ms.map((m) => newMatcher(m.name, matchTypeOf(m), m.value));
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws a SilenceError (`silence invalid: …`, as Alertmanager says) if the silence is not valid. */
export function validateSilence(s: Silence): void {
  const invalid = (why: string) => new SilenceError("invalid", `silence invalid: ${why}`);
  if (s.id === "") throw invalid("ID missing");
  if (s.matchers.length === 0) throw invalid("at least one matcher required");
  let allMatchEmpty = true;
  s.matchers.forEach((m, i) => {
    const problem = matcherProblem(m);
    if (problem !== null) throw invalid(`invalid label matcher ${i}: ${problem}`);
    allMatchEmpty &&= matchesEmpty(m);
  });
  if (allMatchEmpty) throw invalid("at least one matcher must not match the empty string");
  if (!Number.isFinite(s.startsAt)) throw invalid("invalid zero start timestamp");
  if (!Number.isFinite(s.endsAt)) throw invalid("invalid zero end timestamp");
  if (s.endsAt < s.startsAt) throw invalid("end time must not be before start time");
}

// Alertmanager's test: a negative matcher never counts as matching the empty string (even
// `a!="x"`, which does), so a silence of negations alone is accepted.
function matchesEmpty(m: SilenceMatcher): boolean {
  if (!m.isEqual) return false;
  return m.isRegex ? newMatcher(m.name, "=~", m.value).matches("") : m.value === "";
}

function matcherProblem(m: SilenceMatcher): string | null {
  if (!LABEL_NAME.test(m.name)) return `invalid label name ${JSON.stringify(m.name)}`;
  if (!m.isRegex) return null;
  try {
    newMatcher(m.name, "=~", m.value);
    return null;
  } catch (error) {
    if (!(error instanceof MatcherError)) throw error;
    return `invalid regular expression ${JSON.stringify(m.value)}: ${error.message}`;
  }
}

/**
 * Whether `next` may replace `prev` under the same id at `now` (Alertmanager's rule): the
 * matchers are the same, and an active silence keeps its start and does not end in the past,
 * a pending one does not start in the past; an expired one is never changed in place.
 */
export function canUpdateInPlace(prev: Silence, next: Silence, now: number): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, now)) {
    case "active":
      return next.startsAt === prev.startsAt && next.endsAt >= now;
    case "pending":
      return next.startsAt >= now;
    case "expired":
      return false;
  }
}

function sameMatchers(a: readonly SilenceMatcher[], b: readonly SilenceMatcher[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (m, i) =>
        m.name === b[i].name &&
        m.value === b[i].value &&
        m.isRegex === b[i].isRegex &&
        m.isEqual === b[i].isEqual,
    )
  );
}
