/**
 * A silence as stored in the KV bucket: JSON with RFC 3339 times, the same fields as
 * Alertmanager's API, so `nats kv get OUTPOST_SILENCES <id>` reads like `amtool silence query -o json`.
 */
import type { Silence, SilenceMatcher } from "./silence.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const iso = (ms: number) => new Date(ms).toISOString();

/** The stored bytes of a silence. */
export function encodeSilence(s: Silence): Uint8Array {
  return encoder.encode(
    JSON.stringify({
      id: s.id,
      matchers: s.matchers,
      startsAt: iso(s.startsAt),
      endsAt: iso(s.endsAt),
      updatedAt: iso(s.updatedAt),
      createdBy: s.createdBy,
      comment: s.comment,
    }),
  );
}

/** Reads stored bytes back; throws a TypeError naming the field when they are not a silence. */
export function decodeSilence(bytes: Uint8Array): Silence {
  const o = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  const str = (k: string) => {
    if (typeof o[k] !== "string")
      throw new TypeError(`Cannot read a silence: ${k} is not a string`);
    return o[k] as string;
  };
  const time = (k: string) => {
    const t = Date.parse(str(k));
    if (Number.isNaN(t)) throw new TypeError(`Cannot read a silence: ${k} is not a time`);
    return t;
  };
  if (!Array.isArray(o.matchers)) throw new TypeError("Cannot read a silence: no matchers");
  return {
    id: str("id"),
    matchers: o.matchers.map(readMatcher),
    startsAt: time("startsAt"),
    endsAt: time("endsAt"),
    updatedAt: time("updatedAt"),
    createdBy: str("createdBy"),
    comment: str("comment"),
  };
}

function readMatcher(m: unknown): SilenceMatcher {
  const o = m as Record<string, unknown>;
  if (
    typeof o?.name !== "string" ||
    typeof o.value !== "string" ||
    typeof o.isRegex !== "boolean" ||
    typeof o.isEqual !== "boolean"
  ) {
    throw new TypeError("Cannot read a silence: a matcher lacks name, value, isRegex or isEqual");
  }
  return { name: o.name, value: o.value, isRegex: o.isRegex, isEqual: o.isEqual };
}
