/**
 * `GET /api/v1/alerts/history`: alert history in Prometheus's envelope, newest first. Parameters
 * `start`, `end` (Unix seconds or RFC 3339; the last hour by default), `kind` (state or
 * notification), `alertname`, `receiver`, `match[]` (series selectors) and `limit` (100).
 */
import { Hono } from "hono";
import { OutpostError } from "../../../shared/errors/errors.ts";
import { Form } from "../../api/http/form.ts";
import { parseTimeParam } from "../../api/http/params.ts";
import { failure, param, success, toApiError } from "../../api/http/respond.ts";
import { parseSelector } from "../../api/query/selectors.ts";
import { tenantsOf } from "../../auth/tenants.ts";
import type { LogQueryable } from "../../logs/source.ts";
import { type HistoryQuery, queryHistory } from "../history/query.ts";

/** Records an answer holds by default, and at most. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** The history route over the log store of the request's tenant (the guard allows one here). */
export function historyApi(
  logs: (tenant: string) => LogQueryable,
  now: () => number = Date.now,
): Hono {
  const app = new Hono();
  app.get("/api/v1/alerts/history", async (c) => {
    try {
      const q = readQuery(await Form.read(c.req.raw), now(), c.req.raw.signal);
      const records = await queryHistory(logs(tenantsOf(c)[0]), q);
      return success(JSON.stringify(records));
    } catch (err) {
      return failure(toApiError(err));
    }
  });
  return app;
}

/** The query a request asks for; a bad parameter is a `bad_data` error naming it. */
export function readQuery(form: Form, nowMs: number, signal?: AbortSignal): HistoryQuery {
  const end =
    form.get("end") === "" ? undefined : param("end", () => parseTimeParam(form, "end", nowMs));
  const start =
    form.get("start") === "" ? undefined : param("start", () => parseTimeParam(form, "start", 0));
  const limit = form.get("limit");
  return historyQuery(
    {
      startMs: start,
      endMs: end,
      kind: form.get("kind"),
      alertname: form.get("alertname"),
      receiver: form.get("receiver"),
      matchers: form.all("match[]"),
      limit: limit === "" ? undefined : { value: Number(limit), text: limit },
    },
    nowMs,
    signal,
  );
}

/** The parameters of a history query as given, whatever the transport ("" or absent: unset). */
export interface HistoryParams {
  readonly startMs?: number;
  readonly endMs?: number;
  readonly kind: string;
  readonly alertname: string;
  readonly receiver: string;
  /** Series selectors (`match[]`). */
  readonly matchers: readonly string[];
  /** The limit and how it was written, for the message. */
  readonly limit?: { readonly value: number; readonly text: string };
}

/** Checks the parameters and fills the defaults; a bad one is a `bad_data` error naming it. */
export function historyQuery(p: HistoryParams, nowMs: number, signal?: AbortSignal): HistoryQuery {
  const endMs = p.endMs ?? nowMs;
  const startMs = p.startMs ?? endMs - 3600_000;
  if (endMs < startMs)
    throw new OutpostError(
      "bad_data",
      'invalid parameter "end": end timestamp must not be before start time',
    );
  const kind = p.kind;
  if (kind !== "" && kind !== "state" && kind !== "notification")
    throw new OutpostError(
      "bad_data",
      `invalid parameter "kind": ${JSON.stringify(kind)} is not "state" or "notification"`,
    );
  const matchers = p.matchers.map((text, i) =>
    param(`match[]`, () => {
      try {
        return parseSelector(text);
      } catch (err) {
        throw new SyntaxError(
          `selector ${i + 1} ${JSON.stringify(text)}: ${(err as Error).message}`,
        );
      }
    }),
  );
  return {
    startMs,
    endMs,
    kind: kind === "" ? undefined : kind,
    alertname: optional(p.alertname),
    receiver: optional(p.receiver),
    matchers,
    limit: param("limit", () => checkLimit(p.limit)),
    signal,
  };
}

const optional = (v: string) => (v === "" ? undefined : v);

function checkLimit(limit: HistoryParams["limit"]): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const n = limit.value;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new RangeError(
      `${JSON.stringify(limit.text)} is not a whole number from 1 to ${MAX_LIMIT}`,
    );
  return n;
}
