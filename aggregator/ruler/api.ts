/**
 * Mimir's ruler configuration API, per tenant (the request's one tenant): what `mimirtool
 * rules` and Grafana's ruler for a Mimir or Cortex data source talk to. Groups are YAML in and
 * out; an upload is checked as `promtool check rules` checks a file (aggregator/rules/file.ts),
 * against the caps of `ruler`, stored in NATS KV (store.ts) and audited in the tenant's log.
 *
 *   GET    /prometheus/config/v1/rules                     every namespace's groups
 *   GET    /prometheus/config/v1/rules/{namespace}         one namespace's groups
 *   GET    /prometheus/config/v1/rules/{namespace}/{group} one group
 *   POST   /prometheus/config/v1/rules/{namespace}         create or replace one group (202)
 *   DELETE /prometheus/config/v1/rules/{namespace}/{group} (202)
 *   DELETE /prometheus/config/v1/rules/{namespace}         every group of it (202)
 */
import { type Context, Hono } from "hono";
import { parse, stringify } from "yaml";
import { fromHttp } from "../audit/actor.ts";
import type { Audit } from "../audit/record.ts";
import { RULER_PREFIXES } from "../auth/access.ts";
import { tenantsOf } from "../auth/tenants.ts";
import type { RulerConfig } from "./config.ts";
import type { RulerStore, StoredGroup } from "./store.ts";
import { checkUpload, readCapped, UploadRefused } from "./upload.ts";

/** What the ruler API answers from. */
export interface RulerApiDeps {
  /** The shared groups; null until NATS is connected. */
  readonly store: () => RulerStore | null;
  readonly config: RulerConfig;
  /** The audit log of a tenant. */
  readonly audit: (tenant: string) => Audit;
  readonly now?: () => number;
}

const YAML = { "Content-Type": "application/yaml" };
const NO_GROUPS = "no rule groups found";

/** The ruler API's routes, under each of {@link RULER_PREFIXES}. */
export function rulerApi(deps: RulerApiDeps): Hono {
  const app = new Hono();
  for (const prefix of RULER_PREFIXES) app.route(prefix, rulerRoutes(deps));
  return app;
}

/** The ruler API's routes, relative to its prefix. */
function rulerRoutes(deps: RulerApiDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;
  const store = (c: Context): RulerStore | Response => {
    const s = deps.store();
    return s ?? fail(c, 503, "unavailable", "Cannot serve rule groups yet: NATS is not connected");
  };
  const tenant = (c: Context) => tenantsOf(c)[0]!;
  const param = (c: Context, name: string) => c.req.param(name) ?? "";

  app.get("/", (c) => {
    const s = store(c);
    if (s instanceof Response) return s;
    const all = s.namespaces(tenant(c));
    return all.size === 0 ? c.text(NO_GROUPS, 404) : c.body(render(all), 200, YAML);
  });
  app.get(`/:namespace`, (c) => {
    const s = store(c);
    if (s instanceof Response) return s;
    const groups = s.namespaces(tenant(c)).get(param(c, "namespace"));
    if (groups === undefined) return c.text(NO_GROUPS, 404);
    return c.body(render(new Map([[param(c, "namespace"), groups]])), 200, YAML);
  });
  app.get(`/:namespace/:group`, (c) => {
    const s = store(c);
    if (s instanceof Response) return s;
    const g = s.group(tenant(c), param(c, "namespace"), param(c, "group"));
    return g === undefined
      ? c.text("group does not exist", 404)
      : c.body(stringify(groupValue(g)), 200, YAML);
  });
  app.post(`/:namespace`, async (c) => {
    const s = store(c);
    if (s instanceof Response) return s;
    const t = tenant(c);
    const namespace = param(c, "namespace");
    const audit = deps.audit(t);
    try {
      const text = await readCapped(c.req.raw, deps.config.max_group_bytes);
      const checked = checkUpload(namespace, text, deps.config, (name) =>
        s.group(t, namespace, name) === undefined ? s.count(t) : s.count(t) - 1,
      );
      await s.put(t, { namespace, name: checked.name, text, updatedMs: now() });
      audit({
        ...fromHttp(c),
        action: "rules.upload",
        target: `${namespace}/${checked.name}`,
        outcome: "ok",
        changes: { rules: checked.rules },
      });
      return accepted(c);
    } catch (err) {
      if (!(err instanceof UploadRefused)) throw err;
      const target = err.group === undefined ? namespace : `${namespace}/${err.group}`;
      audit({
        ...fromHttp(c),
        action: "rules.upload",
        target,
        outcome: "failed",
        message: err.message,
      });
      return fail(c, err.status, "bad_data", err.message);
    }
  });
  app.delete(`/:namespace/:group`, async (c) => {
    const s = store(c);
    if (s instanceof Response) return s;
    const g = s.group(tenant(c), param(c, "namespace"), param(c, "group"));
    return removed(c, s, g === undefined ? [] : [g], "group does not exist");
  });
  app.delete(`/:namespace`, async (c) => {
    const s = store(c);
    if (s instanceof Response) return s;
    const groups = s.namespaces(tenant(c)).get(param(c, "namespace")) ?? [];
    return removed(c, s, groups, NO_GROUPS);
  });

  /** Deletes `groups` (404 `missing` when there are none), audited as `rules.delete`. */
  const removed = async (c: Context, s: RulerStore, groups: StoredGroup[], missing: string) => {
    if (!(await s.delete(tenant(c), groups))) return c.text(missing, 404);
    for (const g of groups)
      deps.audit(tenant(c))({
        ...fromHttp(c),
        action: "rules.delete",
        target: `${g.namespace}/${g.name}`,
        outcome: "ok",
      });
    return accepted(c);
  };
  return app;
}

/** Namespaces and their groups as Mimir lists them: a YAML map of namespace to group list. */
function render(namespaces: Map<string, StoredGroup[]>): string {
  const out: Record<string, unknown[]> = {};
  for (const [ns, groups] of namespaces) out[ns] = groups.map(groupValue);
  return stringify(out);
}

/** A stored group as a YAML value (its text was checked on upload). */
function groupValue(g: StoredGroup): unknown {
  return parse(g.text);
}

/** Mimir's answer to an accepted change. */
function accepted(c: Context): Response {
  return c.json({ status: "success", data: null, errorType: "", error: "" }, 202);
}

function fail(c: Context, status: 400 | 413 | 503, errorType: string, error: string): Response {
  return c.json({ status: "error", data: null, errorType, error }, status);
}
