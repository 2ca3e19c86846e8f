/**
 * GET of a service's status page (NATS monitoring JSON, RabbitMQ's management API and
 * Prometheus plugin): a timeout, a size cap, and errors that name the URL.
 */

/** A body larger than this is refused: /connz of 1024 connections is ~1 MiB. */
export const MAX_BODY_BYTES = 32 << 20;

/** An HTTP error status, kept so a caller can tell 401 (a refused login) from the rest. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`Cannot fetch ${url}: HTTP ${status}`);
  }
}

/** Options of {@link getText}. */
export interface GetOptions {
  timeoutMs: number;
  /** `Authorization` header value, never logged. */
  authorization?: string;
}

/** GET `url` as text; a failure, an HTTP error status or an oversized body throws, naming the URL. */
export async function getText(url: string, opts: GetOptions): Promise<string> {
  const headers: Record<string, string> = opts.authorization
    ? { authorization: opts.authorization }
    : {};
  const r = await fetch(url, {
    headers,
    signal: AbortSignal.timeout(opts.timeoutMs),
    redirect: "manual",
  }).catch((err: Error) => {
    throw new Error(`Cannot fetch ${url}: ${err.message}`);
  });
  if (!r.ok) {
    await r.body?.cancel();
    throw new HttpStatusError(url, r.status);
  }
  const declared = Number(r.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await r.body?.cancel();
    throw new Error(`Cannot fetch ${url}: its body of ${declared} bytes is over ${MAX_BODY_BYTES}`);
  }
  const text = await r.text();
  if (text.length > MAX_BODY_BYTES)
    throw new Error(`Cannot fetch ${url}: its body is over ${MAX_BODY_BYTES} bytes`);
  return text;
}

/** GET `url` as a JSON object; anything else throws a SyntaxError naming the URL. */
export async function getJson(url: string, opts: GetOptions): Promise<Record<string, unknown>> {
  const text = await getText(url, opts);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new SyntaxError(`Cannot parse ${url}: not JSON: ${text.slice(0, 60)}`);
  }
  if (v === null || typeof v !== "object")
    throw new SyntaxError(`Cannot parse ${url}: not a JSON object`);
  return v as Record<string, unknown>;
}

/** `Basic …` for a user and password. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** The first non-null answer of `ask` over `items`, asked in parallel; null when none answers. */
export function firstOf<T, R>(
  items: readonly T[],
  ask: (item: T) => Promise<R | null>,
): Promise<R | null> {
  return new Promise((resolve) => {
    let pending = items.length;
    if (pending === 0) resolve(null);
    for (const item of items)
      ask(item).then(
        (r) => {
          if (r !== null) resolve(r);
          else if (--pending === 0) resolve(null);
        },
        () => {
          if (--pending === 0) resolve(null);
        },
      );
  });
}
