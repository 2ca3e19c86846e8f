/** Who and where a change came from, from the principal and address the guard found. */
import type { Context } from "hono";
import { clientAddress, principalOf } from "../auth/guard.ts";
import type { Principal } from "../auth/roles.ts";
import type { AuditActor } from "./record.ts";

/** The actor of a principal: the token (with its owner) or the user; `anonymous` when auth is off. */
export function actorOf(p: Principal): AuditActor {
  if (p.method === "anonymous") return { kind: "anonymous", name: p.user, role: p.role };
  if (p.token)
    return { kind: "token", name: p.token.name, id: p.token.id, user: p.user, role: p.role };
  return { kind: "user", name: p.user, role: p.role };
}

/** The actor and source of an HTTP request the guard passed. */
export function fromHttp(c: Context): { actor: AuditActor; source: string } {
  return { actor: actorOf(principalOf(c)), source: clientAddress(c) };
}
