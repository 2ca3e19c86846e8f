/**
 * The part of Alertmanager's API v2 the notifier answers, in Alertmanager 0.25's shapes:
 * `POST /api/v2/alerts` (a JSON array of postable alerts, body capped), `GET /api/v2/alerts`
 * (filters `active`, `silenced`, `inhibited`, `unprocessed`, `receiver`, `filter`),
 * `GET /api/v2/alerts/groups` (groups.ts), `GET /api/v2/receivers` and `GET /api/v2/status`
 * (the config printed with secrets hidden).
 */
import { Hono } from "hono";
import { readTextCapped } from "../../../shared/http/body.ts";
import { OUTPOST_VERSION } from "../../../shared/runtime/version.ts";
import { printConfig } from "../config/print.ts";
import type { Notifier } from "../notifier.ts";
import { type AlertFilter, findAlerts, gettable, readFilter } from "./gettable.ts";
import { alertGroups } from "./groups.ts";
import { PostableError, parsePostable, SchemaError } from "./postable.ts";

/** The largest `POST /api/v2/alerts` body accepted. */
export const MAX_POST_BYTES = 4 << 20;

const iso = (ms: number) => new Date(ms).toISOString();
const fail = (message: string) => Response.json({ code: 400, message }, { status: 400 });
/** A bad query parameter, answered as Alertmanager answers it: a JSON string. */
const badParameter = (error: unknown) => Response.json((error as Error).message, { status: 400 });

/** The routes; mount the result on the server's app. */
export function alertmanagerApi(notifier: Notifier): Hono {
  const app = new Hono();
  app.post("/api/v2/alerts", async (c) => {
    const text = await readTextCapped(c.req.raw, MAX_POST_BYTES);
    if (text === null) return fail(`the body is over ${MAX_POST_BYTES} bytes`);
    let alerts: ReturnType<typeof parsePostable>;
    try {
      alerts = parsePostable(JSON.parse(text));
    } catch (error) {
      if (error instanceof SchemaError) {
        return Response.json({ code: error.code, message: error.message }, { status: 422 });
      }
      if (error instanceof PostableError || error instanceof SyntaxError) {
        return fail(`parsing alerts body failed, because ${error.message}`);
      }
      throw error;
    }
    const problems = notifier.receive(alerts);
    return problems.length > 0 ? c.json(problems.join("; "), 400) : c.body(null, 200);
  });
  app.get("/api/v2/alerts", (c) => {
    let filter: AlertFilter;
    try {
      filter = readFilter(new URL(c.req.url).searchParams);
    } catch (error) {
      return badParameter(error);
    }
    return c.json(
      findAlerts(notifier, filter).map((l) => gettable(l.alert, l.receivers, l.status)),
    );
  });
  app.get("/api/v2/alerts/groups", (c) => {
    let filter: AlertFilter;
    try {
      filter = readFilter(new URL(c.req.url).searchParams);
    } catch (error) {
      return badParameter(error);
    }
    return c.json(alertGroups(notifier, filter));
  });
  app.get("/api/v2/receivers", (c) =>
    c.json(notifier.config.receivers.map((r) => ({ name: r.name }))),
  );
  app.get("/api/v2/status", (c) =>
    c.json({
      cluster: { peers: [], status: "disabled" },
      config: { original: printConfig(notifier.config) },
      uptime: iso(notifier.startedAt),
      versionInfo: {
        branch: "",
        buildDate: "",
        buildUser: "",
        goVersion: "",
        revision: "",
        version: `outpost-${OUTPOST_VERSION}`,
      },
    }),
  );
  return app;
}
