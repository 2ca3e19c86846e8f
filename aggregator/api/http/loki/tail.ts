/**
 * `/loki/api/v1/tail` over a WebSocket. Like Loki, which tails its ingesters' push path, the
 * aggregator pushes lines from its ingest path when it has a tail registry (tail_push.ts);
 * without one (tests over a bare LogQueryable) it polls storage (tail_session.ts). The query is checked before the handshake, as Loki
 * checks it; what Loki finds only after the upgrade (a metric query, too many tails) closes
 * the socket with code 1011 and the reason, as Loki closes it.
 */
import type { Context } from "hono";
import { upgradeWebSocket } from "hono/bun";
import { revalidateOf, watchCredentials } from "../../../auth/revalidate.ts";
import { tenantsOf } from "../../../auth/tenants.ts";
import { parseLogQL } from "../../../logs/logql/parser.ts";
import type { LogQueryable } from "../../../logs/source.ts";
import type { TailRegistry } from "../../../logs/tail/registry.ts";
import { oneTenant } from "../../logs/tail.ts";
import type { Form } from "../form.ts";
import { readTailParams } from "./params.ts";
import { PushTailSession } from "./tail_push.ts";
import { closeWithError, type TailDeps, TailSession } from "./tail_session.ts";

const ONLY_LOG_QUERIES = "tail only supports log queries";
/** The close code of a tail whose credentials no longer pass (RFC 6455). */
const POLICY_VIOLATION = 1008;
/** A close frame's reason holds at most 123 bytes of UTF-8. */
const MAX_CLOSE_REASON = 123;

/** `text` cut to what a close frame's reason holds. */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > MAX_CLOSE_REASON) out = out.slice(0, -1);
  return out;
}

/** What a pushed tail needs beside the polling tail's deps. */
export interface PushDeps {
  readonly tails: TailRegistry;
  readonly maxQueued: number;
}

/**
 * Builds the handler of `tail`; it counts the tails it keeps open, per tenant as Loki's
 * `max_concurrent_tail_requests` is: one tenant's tails do not use up another's.
 */
export function tailHandler(
  deps: TailDeps,
  push?: PushDeps,
): (form: Form, source: LogQueryable, c: Context) => Promise<Response> {
  const activeBy = new Map<string, number>();
  let total = 0;
  const add = (key: string, n: number) => {
    const left = (activeBy.get(key) ?? 0) + n;
    if (left === 0) activeBy.delete(key);
    else activeBy.set(key, left);
    total += n;
    deps.open?.set(total);
  };
  return async (form, source, c) => {
    const params = readTailParams(form, deps.nowNs());
    // Loki parses the query before the handshake and answers a bad one with a 400.
    const expr = parseLogQL(params.query);
    // A pushed tail follows one tenant's ingest; several are refused before the handshake.
    const tenant = push && oneTenant(tenantsOf(c));
    const refused = refuseHandshake(c.req.raw);
    if (refused) return refused;
    const key = tenantsOf(c).join("|");
    const active = activeBy.get(key) ?? 0;
    const problem =
      expr.kind !== "log"
        ? ONLY_LOG_QUERIES
        : active >= deps.maxTails
          ? `max concurrent tail requests limit exceeded, count > limit (${active + 1} > ${deps.maxTails})`
          : undefined;
    // Loki finds these after the upgrade, and closes the socket with the reason.
    if (problem) return upgradeWebSocket(c, { onOpen: (_e, ws) => closeWithError(ws, problem) });
    const session = push
      ? new PushTailSession(source, tenant as string, params, { ...deps, ...push })
      : new TailSession(source, params, deps);
    add(key, 1);
    let stopWatch = () => {};
    try {
      return await upgradeWebSocket(c, {
        onOpen: (_e, ws) => {
          session.open(ws);
          // Credentials revoked or expired while the tail is open end it (auth/revalidate.ts).
          stopWatch = watchCredentials(revalidateOf(c), (why) =>
            ws.close(POLICY_VIOLATION, closeReason(`tail ended: ${why}`)),
          );
        },
        onClose: () => {
          stopWatch();
          add(key, -1);
          session.stop();
        },
      });
    } catch (err) {
      add(key, -1);
      throw err;
    }
  };
}

/**
 * Answers a request that is not a WebSocket handshake as gorilla/websocket's `Upgrader` does:
 * 400 with the status text and `Sec-Websocket-Version: 13`.
 */
function refuseHandshake(req: Request): Response | undefined {
  const connection = (req.headers.get("connection") ?? "").toLowerCase();
  const upgrade = (req.headers.get("upgrade") ?? "").toLowerCase();
  const hasToken = (header: string, token: string) =>
    header.split(",").some((t) => t.trim() === token);
  if (hasToken(connection, "upgrade") && hasToken(upgrade, "websocket")) return undefined;
  return new Response("Bad Request\n", {
    status: 400,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Sec-Websocket-Version": "13",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
