/**
 * `outpost.auth.v1.AuthService`: Login checks a password (rate limited by the guard) and
 * opens a session, answered as the `outpost_session` cookie (HTTP-only, SameSite=Strict,
 * Secure over TLS) plus a CSRF token; Logout ends it; WhoAmI is the caller's principal.
 */
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { AuthService as Service } from "../../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { CLIENT_ADDRESS, OVER_TLS, PRINCIPAL } from "../../auth/context.ts";
import { CSRF_COOKIE, cookie, SESSION_COOKIE } from "../../auth/credentials.ts";
import type { Guard } from "../../auth/guard.ts";
import type { AuthStore } from "../../auth/store.ts";
import { principalOut } from "./auth_convert.ts";

/** The auth service over a store (null until NATS is connected) and the guard's login check. */
export function authService(
  store: () => AuthStore | null,
  guard: Guard,
): ServiceImpl<typeof Service> {
  const ready = (): AuthStore => {
    const s = store();
    if (s === null || !s.ready)
      throw new ConnectError("Cannot log in yet: the aggregator is starting", Code.Unavailable);
    return s;
  };
  return {
    async login(req, ctx) {
      if (req.user === "")
        throw new ConnectError("Cannot log in: user is empty", Code.InvalidArgument);
      const s = ready();
      const checked = await guard.login(s, req.user, req.password, ctx.values.get(CLIENT_ADDRESS));
      if ("refused" in checked)
        throw new ConnectError(
          checked.message,
          checked.refused === "resource_exhausted" ? Code.ResourceExhausted : Code.Unauthenticated,
        );
      const session = await s.sessions.open(checked.principal.user);
      const maxAge = Math.floor((session.expiresAt - Date.now()) / 1000);
      setCookies(ctx, [
        `${SESSION_COOKIE}=${session.id}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict`,
        `${CSRF_COOKIE}=${session.csrf}; Path=/; Max-Age=${maxAge}; SameSite=Strict`,
      ]);
      return {
        principal: principalOut({ ...checked.principal, method: "session" }),
        csrfToken: session.csrf,
        expiresAtMs: BigInt(session.expiresAt),
      };
    },
    async logout(_req, ctx) {
      const id = cookie(ctx.requestHeader.get("cookie"), SESSION_COOKIE);
      const user = id ? await ready().sessions.end(id) : null;
      if (user !== null) guard.loggedOut(user, ctx.values.get(CLIENT_ADDRESS));
      setCookies(ctx, [
        `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`,
        `${CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`,
      ]);
      return {};
    },
    whoAmI: (_req, ctx) => ({ principal: principalOut(ctx.values.get(PRINCIPAL)) }),
  };
}

function setCookies(ctx: HandlerContext, cookies: string[]): void {
  const secure = ctx.values.get(OVER_TLS) ? "; Secure" : "";
  for (const c of cookies) ctx.responseHeader.append("Set-Cookie", c + secure);
}
