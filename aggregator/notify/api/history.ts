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
import type { LogQueryable } from "../../logs/source.ts";
import { type HistoryQuery, queryHistory } from "../history/query.ts";

/** Records an answer holds by default, and at most. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** The history route over the log store of the tenant it serves. */
export function historyApi(logs: () => LogQueryable, now: () => number = Date.now): Hono {
  const app = new Hono();
  app.get("/api/v1/alerts/history", async (c) => {
    try {
      const q = readQuery(await Form.read(c.req.raw), now(), c.req.raw.signal);
      const records = await queryHistory(logs(), q);
      return success(JSON.stringify(records));
    } catch (err) {
      return failure(toApiError(err));
    }
  });
  return app;
}

/** The query a request asks for; a bad parameter is a `bad_data` error naming it. */
export function readQuery(form: Form, nowMs: number, signal?: AbortSignal): HistoryQuery {
  const endMs = param("end", () => parseTimeParam(form, "end", nowMs));
  const startMs = param("start", () => parseTimeParam(form, "start", endMs - 3600_000));
  if (endMs < startMs)
    throw new OutpostError(
      "bad_data",
      'invalid parameter "end": end timestamp must not be before start time',
    );
  const kind = form.get("kind");
  if (kind !== "" && kind !== "state" && kind !== "notification")
    throw new OutpostError(
      "bad_data",
      `invalid parameter "kind": ${JSON.stringify(kind)} is not "state" or "notification"`,
    );
  const matchers = form.all("match[]").map((text, i) =>
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
    alertname: optional(form.get("alertname")),
    receiver: optional(form.get("receiver")),
    matchers,
    limit: param("limit", () => readLimit(form.get("limit"))),
    signal,
  };
}

const optional = (v: string) => (v === "" ? undefined : v);

function readLimit(text: string): number {
  if (text === "") return DEFAULT_LIMIT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new RangeError(`${JSON.stringify(text)} is not a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}
