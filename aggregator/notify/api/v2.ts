/**
 * The part of Alertmanager's API v2 the notifier answers, in Alertmanager 0.25's shapes:
 * `POST /api/v2/alerts` (a JSON array of postable alerts, body capped), `GET /api/v2/alerts`
 * (filters `active`, `silenced`, `inhibited`, `unprocessed`, `receiver`, `filter`) and
 * `GET /api/v2/status` (the config printed with secrets hidden).
 */
import { Hono } from "hono";
import { compileRegex } from "../../../shared/regex/regex.ts";
import { OUTPOST_VERSION } from "../../../shared/runtime/version.ts";
import type { StoredAlert } from "../alerts.ts";
import { printConfig } from "../config/print.ts";
import { fingerprint } from "../fingerprint.ts";
import { inhibitedBy } from "../inhibit.ts";
import { type Matcher, matchesAll, parseMatcher } from "../matchers.ts";
import type { Notifier } from "../notifier.ts";
import { matchRoutes } from "../route/route.ts";
import { PostableError, parsePostable } from "./postable.ts";

/** The largest `POST /api/v2/alerts` body accepted. */
export const MAX_POST_BYTES = 4 << 20;

const iso = (ms: number) => new Date(ms).toISOString();
const fail = (message: string) => Response.json({ code: 400, message }, { status: 400 });

/** The routes; mount the result on the server's app. */
export function alertmanagerApi(notifier: Notifier): Hono {
  const app = new Hono();
  app.post("/api/v2/alerts", async (c) => {
    const length = Number(c.req.header("content-length") ?? 0);
    if (length > MAX_POST_BYTES) return fail(`the body is over ${MAX_POST_BYTES} bytes`);
    const text = await c.req.text();
    if (text.length > MAX_POST_BYTES) return fail(`the body is over ${MAX_POST_BYTES} bytes`);
    let alerts: ReturnType<typeof parsePostable>;
    try {
      alerts = parsePostable(JSON.parse(text));
    } catch (error) {
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
      return fail((error as Error).message);
    }
    return c.json(listAlerts(notifier, filter));
  });
  app.get("/api/v2/status", (c) =>
    c.json({
      cluster: { peers: [], status: "disabled" },
      config: { original: printConfig(notifier.options.config) },
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

/** The filters of `GET /api/v2/alerts`. */
interface AlertFilter {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
  receiver?: { test(s: string): boolean };
  matchers: Matcher[];
}

function readFilter(q: URLSearchParams): AlertFilter {
  const flag = (name: string) => {
    const v = q.get(name);
    if (v === null) return true;
    if (v !== "true" && v !== "false") throw new TypeError(`${name} must be true or false`);
    return v === "true";
  };
  const receiver = q.get("receiver");
  return {
    active: flag("active"),
    silenced: flag("silenced"),
    inhibited: flag("inhibited"),
    unprocessed: flag("unprocessed"),
    receiver: receiver ? compileRegex(receiver) : undefined,
    matchers: q.getAll("filter").map(parseMatcher),
  };
}

/** Alertmanager's gettable alerts that pass the filter, sorted by fingerprint. */
function listAlerts(notifier: Notifier, f: AlertFilter) {
  const now = notifier.clock.now();
  const firing = notifier.store.firing(now);
  const rules = notifier.options.config.inhibitRules;
  // Once per request, not per alert: a per-alert copy made a list of n alerts cost n².
  const sources = rules.length > 0 ? firing.map((x) => x.labels) : [];
  const out = [];
  for (const a of firing) {
    const receivers = [
      ...new Set(matchRoutes(notifier.root, a.labels).map((r) => r.opts.receiver)),
    ];
    if (f.receiver && !receivers.some((r) => f.receiver?.test(r))) continue;
    if (!matchesAll(f.matchers, a.labels)) continue;
    const by = inhibitedBy(rules, a.labels, sources);
    const inhibitedBySet = by ? [fingerprint(by.source)] : [];
    const silencedBy = [...(notifier.options.silenced?.(a.labels, now) ?? [])];
    if (silencedBy.length > 0 && !f.silenced) continue;
    if (inhibitedBySet.length > 0 && !f.inhibited) continue;
    if (silencedBy.length === 0 && inhibitedBySet.length === 0 && !f.active) continue;
    out.push(gettable(a, receivers, inhibitedBySet, silencedBy));
  }
  return out.sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1));
}

function gettable(
  a: StoredAlert,
  receivers: string[],
  inhibitedBy: string[],
  silencedBy: string[],
) {
  return {
    annotations: a.annotations,
    endsAt: iso(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: iso(a.startsAt),
    status: {
      inhibitedBy,
      silencedBy,
      state: inhibitedBy.length > 0 || silencedBy.length > 0 ? "suppressed" : "active",
    },
    updatedAt: iso(a.updatedAt),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    labels: a.labels,
  };
}
