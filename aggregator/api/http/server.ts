import { Hono } from "hono";
import type { Registry } from "../../../shared/metrics/registry.ts";

/** What the aggregator's HTTP endpoint reports on besides metrics. */
export interface AggregatorStatus {
  ready(): boolean;
}

/**
 * The aggregator's HTTP app: `/metrics` (self-metrics, text format 0.0.4), `/healthz` (alive)
 * and `/-/ready` (ingesting). The query APIs mount on the returned app.
 */
export function aggregatorHttpApp(registry: Registry, status: AggregatorStatus): Hono {
  const app = new Hono();
  app.get("/metrics", (c) =>
    c.body(registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/-/ready", (c) => (status.ready() ? c.text("ready\n") : c.text("starting\n", 503)));
  return app;
}
