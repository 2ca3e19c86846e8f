import { Hono } from "hono";
import type { Registry } from "../metrics/registry.ts";

/** What a process's status endpoints report on besides metrics. */
export interface ProcessStatus {
  ready(): boolean;
}

/**
 * The endpoints every long-running Outpost process serves: `/metrics` (its own metrics in the
 * text format 0.0.4), `/healthz` and `/-/healthy` (the process is alive; the second is
 * Prometheus's and Alertmanager's name) and `/-/ready` (its components run).
 * Programs mount their own routes on the returned app.
 */
export function statusApp(registry: Registry, status: ProcessStatus): Hono {
  const app = new Hono();
  app.get("/metrics", (c) =>
    c.body(registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/-/healthy", (c) => c.text("ok\n"));
  app.get("/-/ready", (c) => (status.ready() ? c.text("ready\n") : c.text("starting\n", 503)));
  return app;
}
