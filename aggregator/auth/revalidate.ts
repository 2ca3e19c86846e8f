/**
 * Credentials checked again while a stream stays open. The guard checks a request once, as it
 * arrives; a live tail (Loki's WebSocket, LogsService/Tail) or an alert watch then runs for as
 * long as its client keeps it, so a token revoked or expired, a user deleted or moved to other
 * tenants, a session logged out, must also end the streams it opened. Each stream asks again
 * every REVALIDATE_MS what the guard would answer now, for the same headers, and ends when the
 * answer is no (docs/auth.md, "Streams").
 */
import type { Context } from "hono";

/** Why the credentials no longer pass, or undefined while they still do. */
export type Revalidate = () => Promise<string | undefined>;

/** A request that needed no credentials (authentication off, an open path): nothing can end. */
export const ALWAYS_VALID: Revalidate = async () => undefined;

/** How often an open stream's credentials are checked again. */
export const REVALIDATE_MS = 5_000;

const KEY = "revalidate";

/** Hands a request's re-check to its handlers (the guard, once it has passed the request). */
export function setRevalidate(c: Context, revalidate: Revalidate): void {
  c.set(KEY as never, revalidate as never);
}

/** A request's re-check; ALWAYS_VALID when the guard set none. */
export function revalidateOf(c: Context): Revalidate {
  return (c.get(KEY as never) as Revalidate | undefined) ?? ALWAYS_VALID;
}

/**
 * Calls `lost` once, with the reason, when a re-check fails; checks every `everyMs` until the
 * returned stop is called. A re-check that throws (the store unreachable) or has not answered
 * within `everyMs` keeps the stream: it cannot tell, and the next check asks again.
 */
export function watchCredentials(
  revalidate: Revalidate,
  lost: (why: string) => void,
  everyMs = REVALIDATE_MS,
): () => void {
  if (revalidate === ALWAYS_VALID) return () => {};
  let stopped = false;
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || stopped) return;
    checking = true;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      deadline = setTimeout(() => resolve(undefined), everyMs);
    });
    try {
      const why = await Promise.race([revalidate(), late]);
      if (why !== undefined && !stopped) {
        stopped = true;
        clearInterval(timer);
        lost(why);
      }
    } catch {
      // Unknown this time; asked again at the next tick.
    } finally {
      clearTimeout(deadline);
      checking = false;
    }
  }, everyMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * A signal that aborts when `outer` does or the credentials fail a re-check (`reason()` then
 * says why); `stop()` ends the re-checks.
 */
export function credentialsSignal(
  outer: AbortSignal,
  revalidate: Revalidate,
  everyMs = REVALIDATE_MS,
): { signal: AbortSignal; reason(): string | undefined; stop(): void } {
  const controller = new AbortController();
  let why: string | undefined;
  const onAbort = () => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener("abort", onAbort, { once: true });
  const stopWatch = watchCredentials(
    revalidate,
    (message) => {
      why = message;
      controller.abort(new Error(message));
    },
    everyMs,
  );
  return {
    signal: controller.signal,
    reason: () => why,
    stop: () => {
      stopWatch();
      outer.removeEventListener("abort", onAbort);
    },
  };
}
