import { Hono } from "hono";
import type { Registry } from "../../shared/metrics/registry.ts";

/** What the agent's HTTP endpoint reports on besides metrics. */
export interface AgentStatus {
  ready(): boolean;
}

/**
 * The agent's HTTP endpoint: `/metrics` (its own metrics in the text format 0.0.4), `/healthz`
 * (the process is alive) and `/-/ready` (its components are running).
 */
export function agentHttpApp(registry: Registry, status: AgentStatus): Hono {
  const app = new Hono();
  app.get("/metrics", (c) =>
    c.body(registry.render(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/-/ready", (c) => (status.ready() ? c.text("ready\n") : c.text("starting\n", 503)));
  return app;
}
