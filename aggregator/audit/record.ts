/**
 * Audit records: one per change (silences, users, tokens, reloads, logins, dashboards) with
 * who made it, when, from where, what it touched, how it ended and a summary of what changed,
 * as JSON log lines of Outpost's own log pipeline in `{job="outpost", stream="audit", action}`,
 * kept with the alert history (`alerting.history.retention`). A record never holds a secret:
 * its fields are built by the code that records it, from names, ids, roles and times only.
 */
import { createHash } from "node:crypto";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { type LogRecord, NS_PER_MS } from "../../shared/model/log.ts";
import type { Role } from "../auth/roles.ts";
import { withoutUrls } from "../notify/history/record.ts";
import type { OwnLogCodec } from "../ownlog/batch.ts";
import { OWN_LOGS_JOB } from "../storage/catalog/entry.ts";

/** The `stream` label of audit streams (their `job` is Outpost's own, as history's). */
export const AUDIT_STREAM = "audit";
/** The `<agent>` of the subject audit records are published on. */
export const AUDIT_WRITER = "audit";
/** A message is cut to this many characters; a summary of changes larger than this is left out. */
export const MAX_MESSAGE = 1000;
export const MAX_CHANGES_BYTES = 16 * 1024;

/** Who made a change. */
export interface AuditActor {
  /**
   * user, token (its name and id, `user` its owner), anonymous (auth off), system (SIGHUP),
   * cli (`outpost user/token`: the OS user), unknown (seen in NATS KV only).
   */
  readonly kind: "user" | "token" | "anonymous" | "system" | "cli" | "unknown";
  readonly name: string;
  readonly id?: string;
  /** A token's owner. */
  readonly user?: string;
  readonly role?: Role;
}

/** How a change ended. */
export type AuditOutcome = "ok" | "denied" | "failed";

/** One audited change. */
export interface AuditRecord {
  readonly id: string;
  /** Unix ms. */
  readonly time: number;
  readonly actor: AuditActor;
  /** The client's address, or what else made the change (`SIGHUP`, `nats-kv`). */
  readonly source: string;
  /** `<object>.<verb>`: `silence.create`, `token.revoke`, `config.reload`, `login`, … */
  readonly action: string;
  /** The id or name of what was changed. */
  readonly target?: string;
  readonly outcome: AuditOutcome;
  /** Why it was denied or failed. */
  readonly message?: string;
  /** What changed (never a secret). */
  readonly changes?: Readonly<Record<string, unknown>>;
  /** Attempts this record stands for (rate-limited logins are counted, not each recorded). */
  readonly count?: number;
}

/** What a caller records: the id and time are filled in when absent. */
export type AuditInput = Omit<AuditRecord, "id" | "time"> & { id?: string; time?: number };

/** Who made a change, and from where. */
export interface Who {
  readonly actor: AuditActor;
  readonly source: string;
}

/** Records a change: what services and the dashboards service call. */
export type Audit = (input: AuditInput) => void;

/** A record from an input: id and time filled, message and changes capped. */
export function auditRecord(input: AuditInput, now = Date.now()): AuditRecord {
  const message =
    input.message === undefined ? undefined : withoutUrls(input.message).slice(0, MAX_MESSAGE);
  let changes = input.changes;
  if (changes !== undefined && JSON.stringify(changes).length > MAX_CHANGES_BYTES)
    changes = { truncated: true };
  return {
    ...input,
    id: input.id ?? crypto.randomUUID(),
    time: input.time ?? now,
    ...(message === undefined ? {} : { message }),
    ...(changes === undefined ? {} : { changes }),
  };
}

/**
 * The id of a change seen both by the API that made it and in NATS KV (users, tokens): derived
 * from what changed, so the two records are one (JetStream drops the second message, a query
 * drops the second id).
 */
export function changeId(action: string, parts: readonly (string | number)[]): string {
  return `${action}-${sha256(parts.join("\xff"))}`;
}

/** How audit records become lines and messages. */
export const AUDIT_CODEC: OwnLogCodec<AuditRecord> = {
  id: (r) => r.id,
  toLogRecord: (r) => ({
    timeNs: BigInt(Math.round(r.time)) * NS_PER_MS,
    labels: labelsFromRecord({ job: OWN_LOGS_JOB, stream: AUDIT_STREAM, action: r.action }),
    line: JSON.stringify(r),
    fields: [],
  }),
  batchMsgId: (tenant, ids) =>
    ids.length === 1
      ? `audit-${tenant}-${ids[0]}`
      : `audit-${tenant}-batch-${sha256(ids.join(" "))}`,
};

/** The log record of an audit record. */
export function auditLogRecord(r: AuditRecord): LogRecord {
  return AUDIT_CODEC.toLogRecord(r, r.id);
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}
