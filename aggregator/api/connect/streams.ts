/**
 * Server streams that end when their call's credentials do: a revoked or expired token, a user
 * removed from the stream's tenant, a session logged out (auth/revalidate.ts).
 */
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { REVALIDATE } from "../../auth/context.ts";
import { credentialsSignal } from "../../auth/revalidate.ts";

/**
 * Runs `run` with a signal that also aborts once the call's credentials fail a re-check; the
 * stream then ends with `unauthenticated` and the reason, whatever `run` did on the abort.
 */
export async function* whileCredentialsPass<T>(
  ctx: HandlerContext,
  run: (signal: AbortSignal) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const watch = credentialsSignal(ctx.signal, ctx.values.get(REVALIDATE));
  try {
    yield* run(watch.signal);
  } catch (err) {
    if (watch.reason() === undefined) throw err;
  } finally {
    watch.stop();
  }
  const why = watch.reason();
  if (why !== undefined) throw new ConnectError(`Stream ended: ${why}`, Code.Unauthenticated);
}
