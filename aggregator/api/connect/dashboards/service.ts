/**
 * `outpost.dashboards.v1.DashboardsService`: dashboards in Grafana's classic JSON model over
 * the shared store (aggregator/dashboards/). The guard has checked the permission (reads
 * `read`, changes `write`); the caller's principal names the author of each version and the
 * tenant everything is kept under.
 */
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { DashboardsService as Service } from "../../../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { PRINCIPAL } from "../../../auth/context.ts";
import { badInput, checkUid, parseDashboard } from "../../../dashboards/model.ts";
import { importDashboard, shareDashboard } from "../../../dashboards/share.ts";
import type { DashboardStore } from "../../../dashboards/store.ts";
import { answering } from "../errors.ts";
import { folderOut, metaOut, versionOut } from "./convert.ts";

/** What the dashboards service answers from. */
export interface DashboardsServiceDeps {
  /** The store; null until NATS is connected. */
  readonly store: () => DashboardStore | null;
  /** The largest dashboard JSON accepted (`dashboards.max_bytes`). */
  readonly maxBytes: number;
}

/** The longest save message kept with a version. */
const MAX_MESSAGE = 1024;
/** The most values an import may give. */
const MAX_INPUTS = 100;

/** The implementation of DashboardsService over `deps`. */
export function dashboardsService(deps: DashboardsServiceDeps): ServiceImpl<typeof Service> {
  const store = (): DashboardStore => {
    const s = deps.store();
    if (s === null)
      throw new ConnectError(
        "Cannot serve dashboards yet: the aggregator is starting",
        Code.Unavailable,
      );
    return s;
  };
  return {
    searchDashboards: (req, ctx) =>
      answering(ctx, () => {
        const found = store().search(tenant(ctx), {
          query: req.query,
          tags: req.tags,
          folderUids: req.folderUids,
          limit: Math.max(0, req.limit),
        });
        return { dashboards: found.map(metaOut) };
      }),
    getDashboard: (req, ctx) =>
      answering(ctx, async () => {
        const d = await store().get(tenant(ctx), uidIn(req.uid));
        return { dashboard: { meta: metaOut(d.meta), json: d.json } };
      }),
    saveDashboard: (req, ctx) =>
      answering(ctx, async () => {
        const doc = parseDashboard(req.json, "json", deps.maxBytes);
        const meta = await store().save(tenant(ctx), {
          doc,
          folderUid: folderIn(req.folderUid),
          message: messageIn(req.message),
          overwrite: req.overwrite,
          author: author(ctx),
        });
        return { meta: metaOut(meta) };
      }),
    deleteDashboard: (req, ctx) =>
      answering(ctx, async () => {
        await store().delete(tenant(ctx), uidIn(req.uid));
        return {};
      }),
    importDashboard: (req, ctx) =>
      answering(ctx, async () => {
        if (req.inputs.length > MAX_INPUTS)
          throw badInput("inputs", `more than ${MAX_INPUTS} values`);
        const given = new Map(req.inputs.map((i) => [i.name, i.value]));
        const doc = importDashboard(parseDashboard(req.json, "json", deps.maxBytes), given);
        const s = store();
        const t = tenant(ctx);
        const meta = await s.save(t, {
          doc,
          folderUid: folderIn(req.folderUid),
          message: messageIn(req.message) || "Imported",
          overwrite: req.overwrite,
          author: author(ctx),
        });
        const saved = await s.version(t, meta.uid, meta.version);
        return { dashboard: { meta: metaOut(meta), json: saved.json } };
      }),
    exportDashboard: (req, ctx) =>
      answering(ctx, async () => {
        const { json } = await store().get(tenant(ctx), uidIn(req.uid));
        const doc = { ...(JSON.parse(json) as Record<string, unknown>), id: null };
        return { json: JSON.stringify(req.shareExternally ? shareDashboard(doc) : doc, null, 2) };
      }),
    listVersions: (req, ctx) =>
      answering(ctx, () => ({
        versions: store().versions(tenant(ctx), uidIn(req.uid)).map(versionOut),
      })),
    getVersion: (req, ctx) =>
      answering(ctx, async () => {
        const v = await store().version(tenant(ctx), uidIn(req.uid), versionIn(req.version));
        return { version: versionOut(v.meta), json: v.json };
      }),
    restoreVersion: (req, ctx) =>
      answering(ctx, async () => {
        const meta = await store().restore(
          tenant(ctx),
          uidIn(req.uid),
          versionIn(req.version),
          author(ctx),
          messageIn(req.message),
        );
        return { meta: metaOut(meta) };
      }),
    listFolders: (_req, ctx) =>
      answering(ctx, () => ({ folders: store().folders.list(tenant(ctx)).map(folderOut) })),
    createFolder: (req, ctx) =>
      answering(ctx, async () => ({
        folder: folderOut(await store().folders.create(tenant(ctx), req.uid, req.title)),
      })),
    renameFolder: (req, ctx) =>
      answering(ctx, async () => ({
        folder: folderOut(await store().folders.rename(tenant(ctx), uidIn(req.uid), req.title)),
      })),
    deleteFolder: (req, ctx) =>
      answering(ctx, async () => {
        await store().folders.delete(tenant(ctx), uidIn(req.uid));
        return {};
      }),
  };
}

/**
 * The tenant a call acts for: the principal's first. Every principal has only "default"
 * until multi-tenancy (issue 21, item 4) chooses among them per request.
 */
function tenant(ctx: HandlerContext): string {
  return ctx.values.get(PRINCIPAL).tenants[0] ?? "default";
}

function author(ctx: HandlerContext): string {
  return ctx.values.get(PRINCIPAL).user;
}

function uidIn(uid: string): string {
  if (uid === "") throw badInput("uid", "it is empty");
  checkUid(uid, "uid");
  return uid;
}

function folderIn(uid: string): string {
  if (uid !== "") checkUid(uid, "folder_uid");
  return uid;
}

function versionIn(v: bigint): number {
  if (v < 1n || v > BigInt(Number.MAX_SAFE_INTEGER))
    throw badInput("version", "it is not a positive version");
  return Number(v);
}

function messageIn(m: string): string {
  if (m.length > MAX_MESSAGE)
    throw badInput("message", `it is longer than ${MAX_MESSAGE} characters`);
  return m;
}
