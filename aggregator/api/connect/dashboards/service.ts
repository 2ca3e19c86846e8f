/**
 * `outpost.dashboards.v1.DashboardsService`: dashboards in Grafana's classic JSON model over
 * the shared store (aggregator/dashboards/). The guard has checked the permission (reads
 * `read`, changes `write`); the caller's principal names the author of each version and the
 * tenant everything is kept under.
 */
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { DashboardsService as Service } from "../../../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import type { Audit } from "../../../audit/record.ts";
import { PRINCIPAL, TENANTS } from "../../../auth/context.ts";
import { badInput, checkUid, parseDashboard } from "../../../dashboards/model.ts";
import { importDashboard, shareDashboard } from "../../../dashboards/share.ts";
import type { DashboardStore } from "../../../dashboards/store.ts";
import { fromConnect } from "../actor.ts";
import { answering } from "../errors.ts";
import { folderOut, metaOut, versionOut } from "./convert.ts";

/** What the dashboards service answers from. */
export interface DashboardsServiceDeps {
  /** The store; null until NATS is connected. */
  readonly store: () => DashboardStore | null;
  /** The largest dashboard JSON accepted (`dashboards.max_bytes`). */
  readonly maxBytes: number;
  /** Where a tenant's changes are recorded: the audit log of the tenant acted for (docs/audit.md). */
  readonly audit?: (tenant: string) => Audit;
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
  /**
   * Runs a change, recording it as `action` on `target` whether it works or fails; `named`
   * names the target from the result (a new dashboard's uid is made by the save).
   */
  const audited = async <T>(
    ctx: HandlerContext,
    action: string,
    target: string,
    changes: Record<string, unknown>,
    change: () => Promise<T>,
    named?: (out: T) => string,
  ): Promise<T> => {
    const who = fromConnect(ctx);
    // A call for several tenants is refused here, before anything is changed or recorded.
    const audit = deps.audit?.(tenant(ctx));
    try {
      const out = await change();
      const done = named ? named(out) : target;
      audit?.({ ...who, action, target: done, outcome: "ok", changes });
      return out;
    } catch (err) {
      const message = (err as Error).message;
      audit?.({ ...who, action, target, outcome: "failed", message, changes });
      throw err;
    }
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
        const save = () =>
          store().save(tenant(ctx), {
            doc,
            folderUid: folderIn(req.folderUid),
            message: messageIn(req.message),
            overwrite: req.overwrite,
            author: author(ctx),
          });
        const what = { title: doc.title, folder: req.folderUid, overwrite: req.overwrite };
        const meta = await audited(
          ctx,
          "dashboard.save",
          String(doc.uid ?? ""),
          what,
          save,
          (m) => m.uid,
        );
        return { meta: metaOut(meta) };
      }),
    deleteDashboard: (req, ctx) =>
      answering(ctx, async () => {
        const uid = uidIn(req.uid);
        await audited(ctx, "dashboard.delete", uid, {}, () => store().delete(tenant(ctx), uid));
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
        const save = () =>
          s.save(t, {
            doc,
            folderUid: folderIn(req.folderUid),
            message: messageIn(req.message) || "Imported",
            overwrite: req.overwrite,
            author: author(ctx),
            importing: true,
          });
        const what = { title: doc.title, folder: req.folderUid, inputs: [...given.keys()] };
        const meta = await audited(
          ctx,
          "dashboard.import",
          String(doc.uid ?? ""),
          what,
          save,
          (m) => m.uid,
        );
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
        const uid = uidIn(req.uid);
        const version = versionIn(req.version);
        const restore = () =>
          store().restore(tenant(ctx), uid, version, author(ctx), messageIn(req.message));
        const meta = await audited(ctx, "dashboard.restore", uid, { version }, restore);
        return { meta: metaOut(meta) };
      }),
    listFolders: (_req, ctx) =>
      answering(ctx, () => ({ folders: store().folders.list(tenant(ctx)).map(folderOut) })),
    createFolder: (req, ctx) =>
      answering(ctx, async () => {
        const create = () => store().folders.create(tenant(ctx), req.uid, req.title);
        const what = { title: req.title };
        return { folder: folderOut(await audited(ctx, "folder.create", req.uid, what, create)) };
      }),
    renameFolder: (req, ctx) =>
      answering(ctx, async () => {
        const uid = uidIn(req.uid);
        const rename = () => store().folders.rename(tenant(ctx), uid, req.title);
        const what = { title: req.title };
        return { folder: folderOut(await audited(ctx, "folder.rename", uid, what, rename)) };
      }),
    deleteFolder: (req, ctx) =>
      answering(ctx, async () => {
        const uid = uidIn(req.uid);
        await audited(ctx, "folder.delete", uid, {}, () =>
          store().folders.delete(tenant(ctx), uid),
        );
        return {};
      }),
  };
}

/**
 * The tenant a call acts for, as the guard resolved it (its principal's first, or the one
 * `X-Scope-OrgID` names). Dashboards belong to one tenant: a call for several is refused.
 */
function tenant(ctx: HandlerContext): string {
  const tenants = ctx.values.get(TENANTS);
  if (tenants.length !== 1)
    throw new ConnectError(
      "Cannot use the dashboards of several tenants at once: name one in X-Scope-OrgID",
      Code.InvalidArgument,
    );
  return tenants[0] as string;
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
