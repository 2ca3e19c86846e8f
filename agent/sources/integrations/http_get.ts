/**
 * GET of a service's JSON API (NATS monitoring, RabbitMQ's management API) through the
 * integrations' one fetch (status_page.ts): a timeout, a size cap, and errors that name the URL.
 */
import { fetchPage, StatusPageError } from "./status_page.ts";

/** A body larger than this is refused: /connz of 1024 connections is ~1 MiB. */
export const MAX_BODY_BYTES = 32 << 20;

/** The HTTP status a failed GET got (401: a refused login), or 0 when it failed otherwise. */
export function httpStatusOf(err: unknown): number {
  return err instanceof StatusPageError && err.reason === "http_status" ? err.status : 0;
}

/** Options of {@link getText}. */
export interface GetOptions {
  timeoutMs: number;
  /** `Authorization` header value, never logged. */
  authorization?: string;
}

/**
 * GET `url` as text through the integrations' one fetch (status_page.ts); a failure, an HTTP
 * error status or an oversized body throws its StatusPageError, naming the URL.
 */
export async function getText(url: string, opts: GetOptions): Promise<string> {
  const headers = opts.authorization ? { authorization: opts.authorization } : undefined;
  const { body } = await fetchPage(url, {
    timeoutMs: opts.timeoutMs,
    maxBytes: MAX_BODY_BYTES,
    headers,
  });
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
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
