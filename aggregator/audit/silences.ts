/**
 * Audited silence writes, for both silence APIs (Alertmanager's v2 and the Connect service):
 * the record names the silence, its matchers and times, and whether the write failed.
 */
import type { SilenceMatcher } from "../notify/silences/silence.ts";
import type { SilenceInput } from "../notify/silences/store.ts";
import type { Audit, Who } from "./record.ts";

/** Creates or updates a silence through `set`, recording it; returns the silence's id. */
export async function auditedSilenceSet(
  audit: Audit | undefined,
  who: Who,
  input: SilenceInput,
  set: () => Promise<string>,
): Promise<string> {
  const action = input.id ? "silence.update" : "silence.create";
  const changes = {
    matchers: input.matchers.map(matcherText),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    createdBy: input.createdBy,
    comment: input.comment,
  };
  try {
    const id = await set();
    // An update that cannot be made in place expires the old silence and makes a new one.
    const replaces = input.id && input.id !== id ? { replaces: input.id } : {};
    audit?.({ ...who, action, target: id, outcome: "ok", changes: { ...changes, ...replaces } });
    return id;
  } catch (err) {
    audit?.({
      ...who,
      action,
      target: input.id ?? "",
      outcome: "failed",
      message: (err as Error).message,
      changes,
    });
    throw err;
  }
}

/** Expires a silence through `expire`, recording it. */
export async function auditedSilenceExpire(
  audit: Audit | undefined,
  who: Who,
  id: string,
  expire: () => Promise<void>,
): Promise<void> {
  try {
    await expire();
    audit?.({ ...who, action: "silence.expire", target: id, outcome: "ok" });
  } catch (err) {
    const message = (err as Error).message;
    audit?.({ ...who, action: "silence.expire", target: id, outcome: "failed", message });
    throw err;
  }
}

/** A matcher as PromQL writes it: `name="value"`, `name=~"re"`, … */
export function matcherText(m: SilenceMatcher): string {
  const op = `${m.isEqual ? "=" : "!"}${m.isRegex ? "~" : m.isEqual ? "" : "="}`;
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
