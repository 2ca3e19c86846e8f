/**
 * Errors of the Connect API: every error the services throw becomes a ConnectError with the
 * code shared/errors maps it to, mapped here once. Queries too big for memory or for the
 * sample limit, and tails whose client reads too slowly, are `resource_exhausted`, not a
 * failed precondition.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { CONNECT_CODES, codeOf } from "../../../shared/errors/errors.ts";
import { CostlyTailError, SlowTailError } from "../../logs/tail/registry.ts";
import { OutOfMemoryError, TOO_MANY_SAMPLES } from "../../promql/engine/limits.ts";
import { messageOf } from "../query/errors.ts";

/** A code's wire name, as Connect's JSON writes it (Code.InvalidArgument → `invalid_argument`). */
export function codeName(code: Code): string {
  const name = Code[code];
  if (name === undefined) return "unknown";
  return name.replace(/[A-Z]/g, (m, i: number) => (i ? "_" : "") + m.toLowerCase());
}

/** connect-es's Code by its wire name. */
const BY_NAME = new Map<string, Code>(
  Object.values(Code)
    .filter((c): c is Code => typeof c === "number")
    .map((c) => [codeName(c), c]),
);

/** The ConnectError that carries `err` to a client. */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const message = messageOf(err);
  // A tail whose client fell behind, or whose filters cost ingest too much, is dropped: the
  // client asked for more than it can take, or than its share.
  if (
    err instanceof OutOfMemoryError ||
    err instanceof SlowTailError ||
    err instanceof CostlyTailError ||
    message === TOO_MANY_SAMPLES
  ) {
    return new ConnectError(message, Code.ResourceExhausted, undefined, undefined, err);
  }
  const code = BY_NAME.get(CONNECT_CODES[codeOf(err)]) ?? Code.Internal;
  return new ConnectError(message, code, undefined, undefined, err);
}

/**
 * Runs a handler, turning whatever it throws into a ConnectError. When the call's own signal
 * ended it (its Connect deadline passed), that reason is the answer: the query service sees
 * only that its caller went away.
 */
export async function answering<T>(
  ctx: { readonly signal: AbortSignal },
  work: () => Promise<T> | T,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : undefined;
    throw reason instanceof ConnectError ? reason : toConnectError(err);
  }
}
