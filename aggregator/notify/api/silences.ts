/**
 * Alertmanager API v2's silence endpoints, as a Hono sub-app the aggregator mounts on its
 * HTTP port: `GET /api/v2/silences` (`filter` matchers), `POST /api/v2/silences` (create or
 * update, `{silenceID}`), `GET /api/v2/silence/{id}` and `DELETE /api/v2/silence/{id}` (expire).
 * Status codes and messages are Alertmanager 0.25's, except that expiring an unknown id is a
 * 404 (its API declares one; 0.25 answers 500).
 */
import { type Context, Hono } from "hono";
import { readTextCapped } from "../../../shared/http/body.ts";
import { fromHttp } from "../../audit/actor.ts";
import type { Audit, Who } from "../../audit/record.ts";
import { auditedSilenceExpire, auditedSilenceSet } from "../../audit/silences.ts";
import { MatcherError } from "../matchers.ts";
import type { Silence } from "../silences/silence.ts";
import { SilenceError } from "../silences/silence.ts";
import type { SilenceStore } from "../silences/store.ts";
import { gettableSilence, PostableSilenceError, parsePostableSilence } from "./silence_json.ts";
import { findSilences, setSilence } from "./silence_ops.ts";

/** The largest `POST /api/v2/silences` body accepted. */
export const MAX_SILENCE_BYTES = 1 << 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// go-swagger writes every body with Go's JSON encoder, which ends it with a newline.
const reply = (body: unknown, status = 200) =>
  new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json" },
  });
const badPath = (id: string) =>
  reply(
    { code: 601, message: `silenceID in path must be of type uuid: ${JSON.stringify(id)}` },
    422,
  );

/**
 * The silence routes over a store, writes audited into `audit` with the caller `who` finds;
 * mount the result on the server's app.
 */
export function silenceRoutes(
  store: SilenceStore,
  audit?: Audit,
  who: (c: Context) => Who = fromHttp,
): Hono {
  const app = new Hono();
  app.get("/api/v2/silences", (c) => {
    let found: Silence[];
    try {
      found = findSilences(store, new URL(c.req.url).searchParams.getAll("filter"));
    } catch (error) {
      if (error instanceof MatcherError) return reply(error.message, 400);
      throw error;
    }
    const now = store.now();
    return reply(found.map((s) => gettableSilence(s, now)));
  });
  app.post("/api/v2/silences", async (c) => {
    const text = await readTextCapped(c.req.raw, MAX_SILENCE_BYTES);
    let input: ReturnType<typeof parsePostableSilence>;
    try {
      if (text === null) throw new SyntaxError(`the body is over ${MAX_SILENCE_BYTES} bytes`);
      input = parsePostableSilence(JSON.parse(text));
    } catch (error) {
      if (error instanceof PostableSilenceError) {
        return reply({ code: error.code, message: error.message }, error.status);
      }
      if (!(error instanceof SyntaxError)) throw error;
      const message = `parsing silence body from "" failed, because ${error.message}`;
      return reply({ code: 400, message }, 400);
    }
    try {
      const set = () => setSilence(store, input);
      return reply({ silenceID: await auditedSilenceSet(audit, who(c), input, set) });
    } catch (error) {
      if (!(error instanceof SilenceError)) throw error;
      return reply(error.message, error.kind === "not_found" ? 404 : 400);
    }
  });
  app.get("/api/v2/silence/:id", (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return badPath(id);
    const s = store.get(id);
    return s ? reply(gettableSilence(s, store.now())) : new Response(null, { status: 404 });
  });
  app.delete("/api/v2/silence/:id", async (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return badPath(id);
    try {
      await auditedSilenceExpire(audit, who(c), id, () => store.expire(id));
      return new Response(null, { status: 200 });
    } catch (error) {
      if (error instanceof SilenceError) return reply(error.message, 404);
      throw error;
    }
  });
  return app;
}
