/**
 * A tiny HTTP server with the notifier's silence routes and a minimal `/api/v2/status`,
 * on a free port: what amtool talks to in the side-by-side tests, before the aggregator
 * mounts the routes itself.
 */
import { Hono } from "hono";
import { silenceRoutes } from "../../aggregator/notify/api/silences.ts";
import type { SilenceStore } from "../../aggregator/notify/silences/store.ts";
import { freePort } from "./ports.ts";

/** A running silence server, with the request paths it saw (to learn what amtool calls). */
export interface SilenceServerHandle {
  readonly url: string;
  readonly requests: string[];
  stop(): void;
}

/** Serves the store's silences on 127.0.0.1 and a free port. */
export async function startSilenceServer(store: SilenceStore): Promise<SilenceServerHandle> {
  const requests: string[] = [];
  const app = new Hono();
  app.use(async (c, next) => {
    requests.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    await next();
  });
  app.route("/", silenceRoutes(store));
  const started = new Date().toISOString();
  app.get("/api/v2/status", (c) =>
    c.json({
      cluster: { peers: [], status: "disabled" },
      config: { original: "" },
      uptime: started,
      versionInfo: {
        branch: "",
        buildDate: "",
        buildUser: "",
        goVersion: "",
        revision: "",
        version: "outpost",
      },
    }),
  );
  const server = Bun.serve({ hostname: "127.0.0.1", port: await freePort(), fetch: app.fetch });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}
