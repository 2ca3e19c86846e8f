/**
 * `GET /status.json`: the public status page's data (aggregator/uptime/status_page.ts), served
 * without credentials when `status_page.enabled` (the guard lets exactly this path through:
 * auth/access.ts, `STATUS_PAGE_PATH`). It reads the configured tenant, never the caller's, and
 * one answer is reused for `status_page.cache` so callers cannot make it run more queries.
 */
import { Hono } from "hono";
import { logger } from "../../../shared/log/log.ts";
import { STATUS_PAGE_PATH } from "../../auth/access.ts";
import type { StatusPageConfig } from "../../uptime/status_config.ts";
import { type StatusAnswer, statusAnswer } from "../../uptime/status_page.ts";
import type { UptimeQueries } from "../../uptime/targets.ts";

const log = logger("status_page");

/** What the route reads: the config and the queries over the configured tenant. */
export interface StatusPageDeps {
  readonly config: StatusPageConfig;
  readonly queries: (signal: AbortSignal) => UptimeQueries;
  readonly now?: () => number;
}

/** The route of the public status page's data; 404 when the page is off. */
export function statusPageApi(deps: StatusPageDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;
  let cached: { at: number; answer: Promise<StatusAnswer> } | null = null;
  app.get(STATUS_PAGE_PATH, async (c) => {
    if (!deps.config.enabled) return c.json({ error: "the status page is not enabled" }, 404);
    const t = now();
    if (cached === null || t - cached.at >= deps.config.cache) {
      // Not the caller's signal: the answer is shared by every caller until it expires.
      const answer = statusAnswer(deps.queries(AbortSignal.timeout(30_000)), deps.config, t);
      cached = { at: t, answer };
      answer.catch(() => {
        if (cached?.answer === answer) cached = null;
      });
    }
    try {
      return c.json(await cached.answer, 200, { "Cache-Control": "no-cache" });
    } catch (err) {
      log.warn("Cannot compute the status page", { error: String(err) });
      return c.json({ error: "Cannot compute the status page: its queries failed" }, 503);
    }
  });
  return app;
}
