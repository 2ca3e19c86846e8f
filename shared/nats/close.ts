import type { NatsConnection } from "nats";
import { within } from "../runtime/deadline.ts";

/** How long a stop lets a drain send what is buffered before the connection is just closed. */
export const DRAIN_MS = 5_000;

const closing = new WeakMap<NatsConnection, Promise<void>>();

/**
 * Drains `nc` (sends what is buffered, lets subscriptions finish) and closes it; a drain still
 * going after `drainMs` (no server to drain to) is cut short by a close. Every call for one
 * connection shares the first one's close. That matters: nats.js answers a second drain with
 * an error, and the close that error invites leaves the first drain waiting for ever for a PONG
 * the closed connection will never deliver. A stop that raced a start given up on, each
 * closing the same connection, hung so.
 */
export function closeNats(nc: NatsConnection, drainMs = DRAIN_MS): Promise<void> {
  let done = closing.get(nc);
  if (!done) {
    done = drainThenClose(nc, drainMs);
    closing.set(nc, done);
  }
  return done;
}

async function drainThenClose(nc: NatsConnection, drainMs: number): Promise<void> {
  if (nc.isClosed()) return;
  const drained = nc.drain().then(
    () => true,
    () => false,
  );
  if (!(await within(drainMs, drained)) || !nc.isClosed()) await nc.close();
}
