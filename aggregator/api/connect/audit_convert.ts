/** `outpost.admin.v1` audit messages from and to the audit log's records. */

import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  AuditOutcome,
  type AuditRecordSchema,
  type ListAuditRequest,
} from "../../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { Role as RoleEnum } from "../../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { ACTION_CHARS, type AuditQuery } from "../../audit/query.ts";
import type { AuditRecord } from "../../audit/record.ts";

/** The most records one ListAudit answers. */
export const MAX_AUDIT_LIMIT = 1000;
/** How far back ListAudit reads without a start: the history's default retention. */
export const DEFAULT_AUDIT_RANGE_MS = 90 * 86_400_000;

const OUTCOMES = { ok: AuditOutcome.OK, denied: AuditOutcome.DENIED, failed: AuditOutcome.FAILED };
const ROLES = { viewer: RoleEnum.VIEWER, editor: RoleEnum.EDITOR, admin: RoleEnum.ADMIN };

const invalid = (message: string) => new ConnectError(message, Code.InvalidArgument);

/** The query of a ListAudit request; invalid_argument names the field. */
export function auditQueryIn(req: ListAuditRequest, now: number, signal?: AbortSignal): AuditQuery {
  const endMs = req.endMs === 0n ? now : Number(req.endMs);
  const startMs = req.startMs === 0n ? endMs - DEFAULT_AUDIT_RANGE_MS : Number(req.startMs);
  if (endMs < 0) throw invalid("end_ms: must not be negative");
  if (startMs < 0 || startMs > endMs) throw invalid("start_ms: must be between 0 and end_ms");
  if (req.limit < 0 || req.limit > MAX_AUDIT_LIMIT)
    throw invalid(`limit: must be between 0 and ${MAX_AUDIT_LIMIT}`);
  if (!ACTION_CHARS.test(req.actionPrefix) || req.actionPrefix.length > 128)
    throw invalid("action_prefix: at most 128 of a-z 0-9 _ .");
  if (req.actor.length > 256) throw invalid("actor: at most 256 characters");
  if (req.target.length > 256) throw invalid("target: at most 256 characters");
  return {
    startMs,
    endMs,
    actor: req.actor || undefined,
    actionPrefix: req.actionPrefix || undefined,
    target: req.target || undefined,
    limit: req.limit || 100,
    signal,
  };
}

/** A record as a message. */
export function auditRecordOut(r: AuditRecord): MessageInitShape<typeof AuditRecordSchema> {
  return {
    id: r.id,
    timeMs: BigInt(Math.round(r.time)),
    actor: {
      kind: r.actor.kind,
      name: r.actor.name,
      id: r.actor.id ?? "",
      user: r.actor.user ?? "",
      role: r.actor.role ? ROLES[r.actor.role] : RoleEnum.UNSPECIFIED,
    },
    source: r.source,
    action: r.action,
    target: r.target ?? "",
    outcome: OUTCOMES[r.outcome] ?? AuditOutcome.UNSPECIFIED,
    message: r.message ?? "",
    changesJson: r.changes ? JSON.stringify(r.changes) : "",
    count: BigInt(r.count ?? 1),
  };
}
