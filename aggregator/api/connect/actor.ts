/**
 * The actor and source of a Connect call, from the principal and address the guard put into
 * its context. Apart from audit/actor.ts so that what records HTTP changes alone (`outpost
 * notifier`) does not load Connect.
 */
import type { HandlerContext } from "@connectrpc/connect";
import { actorOf } from "../../audit/actor.ts";
import type { AuditActor } from "../../audit/record.ts";
import { CLIENT_ADDRESS, PRINCIPAL } from "../../auth/context.ts";

/** The actor and source of a Connect call. */
export function fromConnect(ctx: HandlerContext): { actor: AuditActor; source: string } {
  return { actor: actorOf(ctx.values.get(PRINCIPAL)), source: ctx.values.get(CLIENT_ADDRESS) };
}
