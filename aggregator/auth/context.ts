/** The principal and client address of a Connect call, handed over from the guard. */
import { type ContextValues, createContextKey, createContextValues } from "@connectrpc/connect";
import type { Context } from "hono";
import { clientAddress, principalOf } from "./guard.ts";
import { ALWAYS_VALID, type Revalidate, revalidateOf } from "./revalidate.ts";
import { ANONYMOUS, type Principal } from "./roles.ts";
import { DEFAULT_TENANT, tenantsOf } from "./tenants.ts";

/** The principal of the call (anonymous admin when authentication is off). */
export const PRINCIPAL = createContextKey<Principal>(ANONYMOUS, { description: "principal" });
/** The tenants the call acts for, as the guard resolved them (principal and X-Scope-OrgID). */
export const TENANTS = createContextKey<readonly string[]>([DEFAULT_TENANT], {
  description: "tenants",
});
/** The client's address, for the login rate limit. */
export const CLIENT_ADDRESS = createContextKey<string>("unknown", {
  description: "client address",
});
/** The call's credentials checked again, for streams that outlive them (revalidate.ts). */
export const REVALIDATE = createContextKey<Revalidate>(ALWAYS_VALID, {
  description: "revalidate",
});
/** Whether the endpoint serves HTTPS (session cookies are then `Secure`). */
export const OVER_TLS = createContextKey<boolean>(false, { description: "over TLS" });

/** The context values of a request the guard has passed. */
export function connectContext(c: Context, tls: boolean): ContextValues {
  return createContextValues()
    .set(PRINCIPAL, principalOf(c))
    .set(TENANTS, tenantsOf(c))
    .set(CLIENT_ADDRESS, clientAddress(c))
    .set(REVALIDATE, revalidateOf(c))
    .set(OVER_TLS, tls);
}
