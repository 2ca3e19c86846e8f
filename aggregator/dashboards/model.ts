/**
 * Grafana's classic dashboard JSON as Outpost keeps it: parsed once, checked for what Outpost
 * reads (`title`, `uid`, `tags`, `version`), every other field kept as given.
 */
import { OutpostError } from "../../shared/errors/errors.ts";

/** A dashboard's JSON object. */
export type DashboardJson = Record<string, unknown>;

/** Grafana's uid rule: at most 40 of [A-Za-z0-9_-]. */
const UID = /^[A-Za-z0-9_-]{1,40}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A bad request naming the field, answered `invalid_argument`. */
export function badInput(field: string, why: string): OutpostError {
  return new OutpostError("bad_data", `Cannot accept ${field}: ${why}`);
}

/** True for a uid Grafana would accept. */
export function isUid(uid: string): boolean {
  return UID.test(uid);
}

/** A new random uid of 14 characters, as Grafana's short uids. */
export function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** Checks a uid given in `field`. */
export function checkUid(uid: string, field: string): void {
  if (!isUid(uid))
    throw badInput(field, `uid "${uid.slice(0, 60)}" is not 1 to 40 of [A-Za-z0-9_-]`);
}

/** Parses the dashboard JSON in `field`, at most `maxBytes` long. */
export function parseDashboard(text: string, field: string, maxBytes: number): DashboardJson {
  const size = Buffer.byteLength(text);
  if (size > maxBytes)
    throw badInput(field, `it is ${size} bytes, more than the ${maxBytes} allowed`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badInput(field, `it is not JSON (${(err as Error).message})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw badInput(field, "it is not a JSON object");
  const d = doc as DashboardJson;
  if (typeof d.title !== "string" || d.title.trim() === "")
    throw badInput(`${field}.title`, "a dashboard needs a title");
  if (d.uid !== undefined && d.uid !== null && d.uid !== "") {
    if (typeof d.uid !== "string") throw badInput(`${field}.uid`, "it is not a string");
    checkUid(d.uid, `${field}.uid`);
  }
  if (
    d.tags !== undefined &&
    !(Array.isArray(d.tags) && d.tags.every((t) => typeof t === "string"))
  )
    throw badInput(`${field}.tags`, "it is not a list of strings");
  if (d.version !== undefined && d.version !== null && !Number.isInteger(d.version))
    throw badInput(`${field}.version`, "it is not an integer");
  // A dashboard whose panels are not a list shows nothing, and would be saved so silently.
  for (const list of ["panels", "rows"] as const) {
    const v = (d as Record<string, unknown>)[list];
    if (v !== undefined && v !== null && !Array.isArray(v))
      throw badInput(`${field}.${list}`, "it is not a list");
  }
  return d;
}

/** The uid in a dashboard's JSON, or "" when it has none. */
export function uidOf(doc: DashboardJson): string {
  return typeof doc.uid === "string" ? doc.uid : "";
}

/** The tags of a dashboard (parseDashboard() checked them). */
export function tagsOf(doc: DashboardJson): string[] {
  return Array.isArray(doc.tags) ? (doc.tags as string[]) : [];
}
