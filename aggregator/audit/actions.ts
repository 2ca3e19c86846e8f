/** The audit action of a request the guard refused, from its method and path. */

const ADMIN = "/outpost.admin.v1.AdminService/";
const ALERTS = "/outpost.alerts.v1.AlertsService/";

const BY_PATH: Record<string, string> = {
  [`${ADMIN}CreateUser`]: "user.create",
  [`${ADMIN}UpdateUserRole`]: "user.role",
  [`${ADMIN}UpdateUserTenants`]: "user.tenants",
  [`${ADMIN}ResetPassword`]: "user.password",
  [`${ADMIN}DeleteUser`]: "user.delete",
  [`${ADMIN}CreateToken`]: "token.create",
  [`${ADMIN}RevokeToken`]: "token.revoke",
  [`${ALERTS}CreateSilence`]: "silence.create",
  [`${ALERTS}UpdateSilence`]: "silence.update",
  [`${ALERTS}ExpireSilence`]: "silence.expire",
  [`${ALERTS}TestReceiver`]: "receiver.test",
  "/-/reload": "config.reload",
};

/** `silence.create`, `token.revoke`, … or `request` for a path without an action of its own. */
export function actionOf(method: string, path: string): string {
  const known = BY_PATH[path];
  if (known !== undefined) return known;
  if (path === "/api/v2/silences" && method === "POST") return "silence.create";
  if (path.startsWith("/api/v2/silence/") && method === "DELETE") return "silence.expire";
  return "request";
}
