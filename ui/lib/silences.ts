/**
 * The silence form's model: what it starts from (blank, an alert's labels, a silence to edit
 * or to recreate), what it sends, and the server's refusals put in the form's own words.
 */
import { formatMatcher, type Matcher } from "./alerts.ts";
import { formatDuration } from "./time.ts";

/** What the form holds, as text the user edits. */
export interface SilenceDraft {
  /** Set when editing: the silence UpdateSilence changes. */
  id?: string;
  matchers: string;
  /** Local time, `YYYY-MM-DDTHH:mm:ss` (a datetime-local input's value); "" is now. */
  starts: string;
  duration: string;
  author: string;
  comment: string;
  /** The silence's own start in ms, sent unchanged while `starts` still shows it (Alertmanager
   * changes an active silence in place only when its start is kept to the millisecond). */
  keptStartMs?: number;
}

/** A silence as the API gives it (the fields the form reads). */
export interface SilenceLike {
  id: string;
  matchers: readonly { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAtMs: bigint;
  endsAtMs: bigint;
  createdBy: string;
  comment: string;
  state: string;
}

/** A date as a datetime-local input shows it, in local time to the second. */
export function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function matchersOf(s: SilenceLike): string {
  return s.matchers.map((m) => formatMatcher({ ...m, isEqual: m.isEqual ?? true })).join(", ");
}

/** The length a blank draft offers. */
const DEFAULT_DURATION = "2h";

/** A blank draft, or one with matchers filled in (Silence from an alert). */
export function newDraft(matchers = ""): SilenceDraft {
  return { matchers, starts: "", duration: DEFAULT_DURATION, author: "", comment: "" };
}

/**
 * The draft that edits `s`: its matchers, start, length, author and comment. An expired
 * silence cannot be edited (Alertmanager never changes one in place), so it is recreated:
 * the same matchers, author, comment and length, starting now.
 */
export function draftOf(s: SilenceLike): SilenceDraft {
  const starts = Number(s.startsAtMs);
  const length = formatDuration(Number(s.endsAtMs) - starts);
  const base = { matchers: matchersOf(s), author: s.createdBy, comment: s.comment };
  // A silence expired by hand minutes after it began would come back for those minutes: one
  // that lasted under 5 minutes is recreated for the blank form's length instead.
  const lasted = Number(s.endsAtMs) - starts;
  if (s.state === "expired")
    return { ...base, starts: "", duration: lasted < 300_000 ? DEFAULT_DURATION : length };
  return { ...base, id: s.id, starts: localInput(starts), duration: length, keptStartMs: starts };
}

/** When the draft starts, in ms: the kept start, the typed time, or `now` when blank. */
export function draftStart(d: SilenceDraft, now: number): number {
  if (d.starts === "") return now;
  if (d.keptStartMs !== undefined && d.starts === localInput(d.keptStartMs)) return d.keptStartMs;
  const ms = new Date(d.starts).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Start: cannot read "${d.starts}" as a date`);
  return ms;
}

/** The form's names for the request's fields, as the server names them in a refusal. */
const FIELDS: [RegExp, string][] = [
  [/^silence\.matchers\[(\d+)\]\.name$/, "Matchers"],
  [/^silence\.matchers/, "Matchers"],
  [/^silence\.starts_at_ms$/, "Start"],
  [/^silence\.ends_at_ms$/, "Duration"],
  [/^silence$/, "Matchers"],
  [/^id$/, "Silence"],
];

const REASONS: [RegExp, string][] = [
  [/^should have at least 1 items$/, "at least one matcher is needed"],
  [/^is required$/, "is required"],
];

/**
 * A refusal as the form says it: the field by the label the user sees, then the reason
 * (`Matchers: at least one matcher is needed`), instead of the API's field path
 * (`invalid parameter "silence.matchers": should have at least 1 items`). Messages without a
 * field path (Alertmanager's `Failed to create silence: …`) keep their reason.
 */
export function refusalText(message: string): string {
  const m = /^invalid parameter "([^"]+)": (.*)$/s.exec(message);
  if (m === null) {
    const am = /^(?:Failed to create silence|silence invalid): (.*)$/s.exec(message);
    if (am === null) return message;
    const reason = am[1].replace(/^invalid label matcher (\d+)/, (_, i) => `matcher ${+i + 1}`);
    if (/matcher/.test(reason)) return `Matchers: ${reason}`;
    if (/end time|start time must be before/.test(reason)) return `Duration: ${reason}`;
    if (/start/.test(reason)) return `Start: ${reason}`;
    return capital(reason);
  }
  const [, path, why] = m;
  const field = FIELDS.find(([re]) => re.test(path));
  const index = /\[(\d+)\]/.exec(path);
  const reason = REASONS.find(([re]) => re.test(why))?.[1] ?? why;
  const where = index ? ` (matcher ${Number(index[1]) + 1})` : "";
  return field ? `${field[1]}${where}: ${reason}` : `${path}: ${reason}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The matchers of a draft as chips: each with the text that remains when it is removed. */
export function withoutMatcher(all: readonly Matcher[], index: number): string {
  return all
    .filter((_, i) => i !== index)
    .map(formatMatcher)
    .join(", ");
}
