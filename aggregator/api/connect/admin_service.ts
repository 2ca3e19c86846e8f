/**
 * `outpost.admin.v1.AdminService`: users, API tokens and the audit log, for admins only (the
 * guard refuses anyone else before a call gets here). A token's secret is in CreateToken's
 * answer and nowhere else. Every change is audited with the caller, ok or failed.
 */
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { AdminService as Service } from "../../../proto/gen/outpost/admin/v1/admin_pb.ts";
import {
  type AuthChange,
  tokenCreated,
  tokenRevoked,
  userCreated,
  userDeleted,
  userPasswordSet,
  userRoleChanged,
  userTenantsChanged,
} from "../../audit/auth_changes.ts";
import { queryAudit } from "../../audit/query.ts";
import type { Audit } from "../../audit/record.ts";
import { systemRecordVisible, visibleRecords } from "../../audit/system_records.ts";
import { PRINCIPAL, TENANTS } from "../../auth/context.ts";
import type { AuthStore } from "../../auth/store.ts";
import { DEFAULT_TENANT, SYSTEM_TENANT, tenantsWithin } from "../../auth/tenants.ts";
import type { LogQueryable } from "../../logs/source.ts";
import { fromConnect } from "./actor.ts";
import { auditQueryIn, auditRecordOut } from "./audit_convert.ts";
import { roleIn, storeCall, tokenOut, userOut } from "./auth_convert.ts";

/** What the admin service audits into and reads the audit log from. */
export interface AdminAuditDeps {
  readonly audit: Audit;
  /** The log store of a tenant, whose audit log ListAudit reads (the guard allows one). */
  readonly logs: (tenant: string) => LogQueryable;
}

/** The admin service over a store (null until NATS is connected). */
export function adminService(
  store: () => AuthStore | null,
  deps?: AdminAuditDeps,
): ServiceImpl<typeof Service> {
  const s = (): AuthStore => {
    const st = store();
    if (st === null || !st.ready)
      throw new ConnectError(
        "Cannot manage users yet: the aggregator is starting",
        Code.Unavailable,
      );
    return st;
  };
  /** Runs a change; records it (with the changes `made` names) or its failure. */
  const audited = async <T>(
    ctx: HandlerContext,
    attempt: { action: string; target: string },
    work: () => Promise<T>,
    made: (result: T) => AuthChange[],
  ): Promise<T> => {
    const who = fromConnect(ctx);
    try {
      const result = await storeCall(work);
      for (const c of made(result)) deps?.audit({ ...who, ...c, outcome: "ok" });
      return result;
    } catch (err) {
      deps?.audit({ ...who, ...attempt, outcome: "failed", message: (err as Error).message });
      throw err;
    }
  };
  /** Refuses granting tenants beyond the calling admin's own: an admin never widens. */
  const grantable = (ctx: HandlerContext, tenants: readonly string[]): void => {
    if (!tenantsWithin(tenants, ctx.values.get(PRINCIPAL).tenants))
      throw new ConnectError(
        "Cannot grant tenants: an admin grants only tenants granted to it",
        Code.PermissionDenied,
      );
  };
  /**
   * Whether the caller manages a user: an admin manages only users all of whose tenants it
   * holds (`*` manages everyone), so an admin of tenant a can neither read nor change an
   * admin of `*` or of b — no password reset, role, token or deletion that would let it
   * act as them.
   */
  const manages = (ctx: HandlerContext, user: { tenants: readonly string[] }): boolean =>
    tenantsWithin(user.tenants, ctx.values.get(PRINCIPAL).tenants);
  /** Refuses a user the caller does not manage as the store refuses one that does not exist. */
  const managed = (ctx: HandlerContext, name: string): void => {
    const user = store()?.user(name);
    if (user && !manages(ctx, user))
      throw new ConnectError(`Cannot find user "${name}"`, Code.NotFound);
  };
  const ownerManaged = (ctx: HandlerContext, owner: string): boolean => {
    const user = store()?.user(owner);
    return user === undefined || manages(ctx, user);
  };
  return {
    listUsers: (_req, ctx) => ({
      users: s()
        .listUsers()
        .filter((u) => manages(ctx, u))
        .map(userOut),
    }),
    createUser: (req, ctx) =>
      audited(
        ctx,
        { action: "user.create", target: req.name },
        async () => {
          const tenants = req.tenants.length > 0 ? req.tenants : [DEFAULT_TENANT];
          grantable(ctx, tenants);
          return s().addUser(req.name, roleIn(req.role, "role")!, req.password, tenants);
        },
        (u) => [userCreated(u)],
      ).then((u) => ({ user: userOut(u) })),
    updateUserRole: (req, ctx) => {
      const before = store()?.user(req.name);
      return audited(
        ctx,
        { action: "user.role", target: req.name },
        async () => {
          managed(ctx, req.name);
          return s().setRole(req.name, roleIn(req.role, "role")!);
        },
        (u) => (before && before.role !== u.role ? [userRoleChanged(before, u)] : []),
      ).then((u) => ({ user: userOut(u) }));
    },
    updateUserTenants: (req, ctx) => {
      const before = store()?.user(req.name);
      return audited(
        ctx,
        { action: "user.tenants", target: req.name },
        async () => {
          managed(ctx, req.name);
          grantable(ctx, req.tenants);
          return s().setTenants(req.name, req.tenants);
        },
        (u) => (before ? [userTenantsChanged(before, u)] : []),
      ).then((u) => ({ user: userOut(u) }));
    },
    resetPassword: (req, ctx) =>
      audited(
        ctx,
        { action: "user.password", target: req.name },
        async () => {
          managed(ctx, req.name);
          await s().setPassword(req.name, req.password);
          return s().user(req.name);
        },
        (u) => (u ? [userPasswordSet(u)] : []),
      ).then(() => ({})),
    deleteUser: (req, ctx) => {
      const before = store()?.user(req.name);
      return audited(
        ctx,
        { action: "user.delete", target: req.name },
        async () => {
          managed(ctx, req.name);
          return s().removeUser(req.name);
        },
        () => (before ? [userDeleted(before)] : []),
      ).then(() => ({}));
    },
    listTokens: (_req, ctx) => ({
      tokens: s()
        .listTokens()
        .filter((t) => ownerManaged(ctx, t.owner))
        .map(tokenOut),
    }),
    createToken: (req, ctx) => {
      const caller = ctx.values.get(PRINCIPAL);
      // With authentication off the caller is nobody in the store: "you" cannot own it.
      if (!req.owner && caller.method === "anonymous")
        throw new ConnectError(
          "Cannot create a token without an owner: authentication is off, so no user is signed in; name an existing user as its owner",
          Code.InvalidArgument,
        );
      const owner = req.owner || caller.user;
      return audited(
        ctx,
        { action: "token.create", target: req.name },
        async () => {
          managed(ctx, owner);
          if (req.tenants.length > 0) grantable(ctx, req.tenants);
          return s().createToken({
            name: req.name,
            owner,
            role: roleIn(req.role, "role", true),
            ttlMs: Number(req.ttlMs),
            tenants: req.tenants,
          });
        },
        (made) => [tokenCreated(made.token)],
      ).then((made) => ({ token: tokenOut(made.token), secret: made.secret }));
    },
    revokeToken: (req, ctx) =>
      audited(
        ctx,
        { action: "token.revoke", target: req.id },
        async () => {
          const token = s()
            .listTokens()
            .find((t) => t.id === req.id);
          if (token && !ownerManaged(ctx, token.owner))
            throw new ConnectError(
              `Cannot revoke token ${JSON.stringify(req.id)}: no such token`,
              Code.NotFound,
            );
          return s().revokeToken(req.id);
        },
        (t) => [tokenRevoked(t)],
      ).then(() => ({})),
    listAudit: async (req, ctx) => {
      if (!deps) throw new ConnectError("Cannot list the audit log: it is off", Code.Unimplemented);
      const q = auditQueryIn(req, Date.now(), ctx.signal);
      const tenant = ctx.values.get(TENANTS)[0] ?? DEFAULT_TENANT;
      const principal = ctx.values.get(PRINCIPAL);
      const store = s();
      // The tenant's records, and of the records of no tenant (users, tokens, logins,
      // refusals) those this admin may read.
      const [own, system] = await Promise.all([
        queryAudit(deps.logs(tenant), q),
        tenant === SYSTEM_TENANT
          ? []
          : visibleRecords(
              (page) => queryAudit(deps.logs(SYSTEM_TENANT), page),
              q,
              (r) => systemRecordVisible(r, principal, (name) => store.user(name)),
            ),
      ]);
      const records = [...own, ...system].sort((x, y) => y.time - x.time).slice(0, q.limit);
      return { records: records.map(auditRecordOut) };
    },
  };
}
