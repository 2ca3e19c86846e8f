/**
 * `outpost.admin.v1.AdminService`: users and API tokens, for admins only (the guard refuses
 * anyone else before a call gets here). A token's secret is in CreateToken's answer and
 * nowhere else.
 */
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { AdminService as Service } from "../../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { PRINCIPAL } from "../../auth/context.ts";
import type { AuthStore } from "../../auth/store.ts";
import { roleIn, storeCall, tokenOut, userOut } from "./auth_convert.ts";

/** The admin service over a store (null until NATS is connected). */
export function adminService(store: () => AuthStore | null): ServiceImpl<typeof Service> {
  const s = (): AuthStore => {
    const st = store();
    if (st === null || !st.ready)
      throw new ConnectError(
        "Cannot manage users yet: the aggregator is starting",
        Code.Unavailable,
      );
    return st;
  };
  return {
    listUsers: () => ({ users: s().listUsers().map(userOut) }),
    createUser: (req) =>
      storeCall(async () => ({
        user: userOut(await s().addUser(req.name, roleIn(req.role, "role")!, req.password)),
      })),
    updateUserRole: (req) =>
      storeCall(async () => ({
        user: userOut(await s().setRole(req.name, roleIn(req.role, "role")!)),
      })),
    resetPassword: (req) =>
      storeCall(async () => {
        await s().setPassword(req.name, req.password);
        return {};
      }),
    deleteUser: (req) =>
      storeCall(async () => {
        await s().removeUser(req.name);
        return {};
      }),
    listTokens: () => ({ tokens: s().listTokens().map(tokenOut) }),
    createToken: (req, ctx) =>
      storeCall(async () => {
        const owner = req.owner || ctx.values.get(PRINCIPAL).user;
        const role = roleIn(req.role, "role", true);
        const made = await s().createToken({
          name: req.name,
          owner,
          role,
          ttlMs: Number(req.ttlMs),
        });
        return { token: tokenOut(made.token), secret: made.secret };
      }),
    revokeToken: (req) =>
      storeCall(async () => {
        await s().revokeToken(req.id);
        return {};
      }),
  };
}
