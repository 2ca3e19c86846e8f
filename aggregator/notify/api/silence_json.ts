/**
 * Alertmanager API v2's silence shapes: the postable silence read strictly (the required
 * fields and their types, refused with go-swagger's codes and words), and the gettable silence
 * written field for field as Alertmanager 0.25 writes it.
 */
import type { Silence, SilenceMatcher } from "../silences/silence.ts";
import { silenceState } from "../silences/silence.ts";
import type { SilenceInput } from "../silences/store.ts";

/** A body that is not a postable silence: `status` 400 (not JSON, wrong type) or 422 (missing field). */
export class PostableSilenceError extends Error {
  override readonly name = "PostableSilenceError";
  constructor(
    readonly status: 400 | 422,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const FIELDS = ["comment", "createdBy", "endsAt", "matchers", "startsAt"] as const;
const MATCHER_FIELDS = ["isRegex", "name", "value"] as const;
// RFC 3339 with optional fraction, as go-openapi's strfmt.DateTime reads it.
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

const typeError = (why: string) =>
  new PostableSilenceError(400, 400, `parsing silence body from "" failed, because ${why}`);
const required = (path: string) =>
  new PostableSilenceError(422, 602, `${path} in body is required`);

/** Reads a POST /api/v2/silences body (parsed JSON) into the store's input. */
export function parsePostableSilence(body: unknown): SilenceInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw typeError("the body is not a JSON object");
  }
  const o = body as Record<string, unknown>;
  const str = (k: string) => {
    if (o[k] !== undefined && typeof o[k] !== "string") throw typeError(`${k} is not a string`);
  };
  for (const k of ["id", "comment", "createdBy"]) str(k);
  const startsAt = readTime(o, "startsAt");
  const endsAt = readTime(o, "endsAt");
  if (o.matchers !== undefined && !Array.isArray(o.matchers)) {
    throw typeError("matchers is not an array");
  }
  const matchers = ((o.matchers ?? []) as unknown[]).map(readMatcher);
  for (const k of FIELDS) if (o[k] === undefined || o[k] === null) throw required(k);
  if (matchers.length === 0) {
    throw new PostableSilenceError(422, 612, "matchers in body should have at least 1 items");
  }
  matchers.forEach((m, i) => {
    for (const k of MATCHER_FIELDS) if (m[k] === undefined) throw required(`matchers.${i}.${k}`);
  });
  return {
    ...(o.id ? { id: o.id as string } : {}),
    matchers: matchers as SilenceMatcher[],
    startsAt: startsAt as number,
    endsAt: endsAt as number,
    createdBy: o.createdBy as string,
    comment: o.comment as string,
  };
}

function readTime(o: Record<string, unknown>, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !RFC3339.test(v)) throw typeError(`${k} is not an RFC 3339 time`);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw typeError(`${k} is not an RFC 3339 time`);
  return t;
}

function readMatcher(m: unknown): Partial<SilenceMatcher> {
  if (typeof m !== "object" || m === null) throw typeError("a matcher is not an object");
  const o = m as Record<string, unknown>;
  for (const [k, type] of [
    ["name", "string"],
    ["value", "string"],
    ["isRegex", "boolean"],
    ["isEqual", "boolean"],
  ]) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== type) {
      throw typeError(`matcher field ${k} is not a ${type}`);
    }
  }
  return {
    name: o.name as string | undefined,
    value: o.value as string | undefined,
    isRegex: o.isRegex as boolean | undefined,
    // Alertmanager's schema defaults isEqual to true (matchers from before 0.22 lack it).
    isEqual: (o.isEqual as boolean | undefined) ?? true,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A silence as `GET /api/v2/silence(s)` gives it, keys in Alertmanager's order. */
export function gettableSilence(s: Silence, now: number) {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: iso(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: iso(s.endsAt),
    matchers: s.matchers.map((m) => ({
      isEqual: m.isEqual,
      isRegex: m.isRegex,
      name: m.name,
      value: m.value,
    })),
    startsAt: iso(s.startsAt),
  };
}

const RANK = { active: 0, pending: 1, expired: 2 } as const;

/** Alertmanager's listing order: active by end, then pending by start, then expired, latest end first. */
export function sortSilences(silences: Silence[], now: number): Silence[] {
  const key = (s: Silence) => {
    const state = silenceState(s, now);
    if (state === "active") return s.endsAt;
    return state === "pending" ? s.startsAt : -s.endsAt;
  };
  return silences.sort(
    (a, b) =>
      RANK[silenceState(a, now)] - RANK[silenceState(b, now)] ||
      key(a) - key(b) ||
      (a.id < b.id ? -1 : 1),
  );
}
