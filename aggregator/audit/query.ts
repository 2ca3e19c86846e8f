/**
 * Reads the audit log back: one LogQL query over the audit streams through the log store (so
 * it sees what every aggregator wrote), the records filtered by what LogQL cannot say exactly
 * on a JSON line (actor, target), each id once, newest first.
 */
import type { LogQueryable } from "../logs/source.ts";
import { newestFirst, readOwnLog } from "../ownlog/read.ts";
import { OWN_LOGS_JOB } from "../storage/catalog/entry.ts";
import { AUDIT_STREAM, type AuditRecord } from "./record.ts";

/** What to read. */
export interface AuditQuery {
  readonly startMs: number;
  readonly endMs: number;
  /** An actor's name, id, or a token's owner. */
  readonly actor?: string;
  /** Actions starting with this (`silence.`, `token.create`). */
  readonly actionPrefix?: string;
  readonly target?: string;
  readonly limit: number;
  readonly signal?: AbortSignal;
}

/** The characters of an action (and so of a prefix). */
export const ACTION_CHARS = /^[a-z0-9_.]*$/;

/** The LogQL query that selects the records `q` asks about (before exact filters). */
export function auditLogQL(q: AuditQuery): string {
  const s = (v: string) => JSON.stringify(v);
  const selector = [`job=${s(OWN_LOGS_JOB)}`, `stream=${s(AUDIT_STREAM)}`];
  if (q.actionPrefix) selector.push(`action=~${s(`${q.actionPrefix.replaceAll(".", "\\.")}.*`)}`);
  let query = `{${selector.join(", ")}}`;
  if (q.actor) query += ` |= ${s(JSON.stringify(q.actor))}`;
  if (q.target) query += ` |= ${s(`"target":${JSON.stringify(q.target)}`)}`;
  return query;
}

/** The records `q` selects, newest first, at most `q.limit`. */
export async function queryAudit(source: LogQueryable, q: AuditQuery): Promise<AuditRecord[]> {
  if (q.actionPrefix !== undefined && !ACTION_CHARS.test(q.actionPrefix))
    throw new RangeError("action_prefix may hold only a-z 0-9 _ .");
  const filtering = q.actor !== undefined || q.target !== undefined;
  const lines = await readOwnLog(source, auditLogQL(q), { ...q, filtering });
  const byId = new Map<string, { ns: bigint; r: AuditRecord }>();
  for (const { ns, line } of lines) {
    const r = parseRecord(line);
    if (r === undefined || !wanted(r, q)) continue;
    // A change seen in NATS KV and recorded by its API too: the API's copy names the actor.
    const had = byId.get(r.id);
    if (had && !(had.r.actor.kind === "unknown" && r.actor.kind !== "unknown")) continue;
    byId.set(r.id, { ns, r });
  }
  return newestFirst([...byId.values()], q.limit);
}

function parseRecord(line: string): AuditRecord | undefined {
  try {
    const r = JSON.parse(line) as AuditRecord;
    // A line without a time failed the whole ListAudit when its answer was written.
    const shaped =
      typeof r.id === "string" &&
      typeof r.action === "string" &&
      Number.isFinite(r.time) &&
      typeof r.actor === "object" &&
      r.actor !== null;
    return shaped ? r : undefined;
  } catch {
    return undefined; // a line someone else wrote into the stream: not a record
  }
}

function wanted(r: AuditRecord, q: AuditQuery): boolean {
  if (q.actor !== undefined && ![r.actor.name, r.actor.id, r.actor.user].includes(q.actor))
    return false;
  return q.target === undefined || r.target === q.target;
}
