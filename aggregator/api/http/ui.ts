/**
 * The web UI's static assets (built by `bun ui/build.ts` into dist/ui): hashed files under
 * /assets/ cached for a year, and index.html, never cached, for `/` and every client route so
 * that a reload or a shared link of /explore?… opens the app. The guard lets these GETs through
 * without credentials (access.ts, `isUiPath`); the app then logs in through the Connect API.
 */
import { existsSync } from "node:fs";
import { join, normalize } from "node:path";
import { Hono } from "hono";
import { PROMETHEUS_GRAPH_ROUTE, UI_ROUTES } from "../../auth/access.ts";

/** Where `bun ui/build.ts` writes the bundle. */
export const UI_DIR = join(import.meta.dir, "..", "..", "..", "dist", "ui");

const IMMUTABLE = "public, max-age=31536000, immutable";

/** The routes of the UI's assets over the bundle in `dir`. */
export function uiApp(dir = UI_DIR): Hono {
  const app = new Hono();
  const index = join(dir, "index.html");
  const page = () => {
    if (!existsSync(index))
      return new Response("Cannot serve the web UI: it is not built (run `make ui`)\n", {
        status: 404,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    return new Response(Bun.file(index), {
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" },
    });
  };
  app.get("/", page);
  for (const route of UI_ROUTES) app.get(route, page);
  // Prometheus's graph links (an alert's generatorURL, `/graph?g0.expr=…&g0.tab=1`, where tab 1
  // is the table) open Explore on the same expression.
  app.get(PROMETHEUS_GRAPH_ROUTE, (c) => {
    const expr = c.req.query("g0.expr") ?? "";
    const tab = c.req.query("g0.tab") === "1" ? "table" : "graph";
    return c.redirect(`/explore?q=${encodeURIComponent(expr)}&tab=${tab}`, 302);
  });
  app.get("/d/:uid", page);
  app.get("/d/:uid/:slug", page);
  app.get("/assets/*", (c) => {
    const rel = normalize(c.req.path.slice(1));
    // normalize() resolves ".."; a path that still climbs out is refused.
    // A NUL is no file name (Bun.file throws on one): 404, not a 500 and a stack in the log.
    if (!rel.startsWith("assets/") || rel.includes("\0")) return c.notFound();
    const file = Bun.file(join(dir, rel));
    return file.size > 0
      ? new Response(file, { headers: { "Cache-Control": IMMUTABLE } })
      : c.notFound();
  });
  // A browser sent to no page of the app (a mistyped link) gets the app, which shows its own
  // "not found" page with the top bar, still with status 404; any other client gets the
  // plain 404. Mount uiApp last: this answers every GET the routes before it did not.
  app.get("*", (c) => {
    if (!(c.req.header("accept") ?? "").includes("text/html")) return c.notFound();
    const res = page();
    return new Response(res.body, { status: 404, headers: res.headers });
  });
  return app;
}
