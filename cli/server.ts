/**
 * How `outpost query` and `outpost logs` reach an aggregator: its URL without credentials
 * (a `user:password@` in it becomes Basic authentication and never reaches a message), an API
 * token from `--token` or OUTPOST_TOKEN as a Bearer, and a time limit on every answer.
 */

/** How long an answer may take: past the server's own query timeout (2 minutes). */
export const ANSWER_TIMEOUT_MS = 130_000;

/** An aggregator as the commands ask it. */
export interface Server {
  /** The base URL, without credentials or a trailing slash. */
  readonly url: string;
  /** Authorization, when credentials were given. */
  readonly headers: Record<string, string>;
}

/**
 * The server of `--server URL` (scheme required) and the token (`--token`, else OUTPOST_TOKEN).
 * Throws a message for the user when the URL is not one.
 */
export function serverOf(text: string, token = process.env.OUTPOST_TOKEN): Server {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--server ${JSON.stringify(text)}: expected a URL such as http://${text}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`--server ${JSON.stringify(text)}: expected an http:// or https:// URL`);
  const headers: Record<string, string> = {};
  if (url.username !== "") {
    const user = decodeURIComponent(url.username);
    const basic = Buffer.from(`${user}:${decodeURIComponent(url.password)}`).toString("base64");
    headers.Authorization = `Basic ${basic}`;
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  url.username = "";
  url.password = "";
  return { url: url.toString().replace(/\/+$/, ""), headers };
}

/** The body and status of `path`'s answer; throws a message naming what went wrong. */
export async function ask(
  server: Server,
  path: string,
  init: RequestInit = {},
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: server.headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    if ((err as Error).name === "TimeoutError")
      throw new Error(`no answer within ${timeoutMs / 1000} s`);
    throw err;
  }
}

/** What a refused answer means, with a hint where the user can act (401: credentials). */
export function refusal(status: number, body: string): string {
  const text = errorOf(body) ?? body.trim().slice(0, 300);
  const why = `${status}${text === "" ? "" : ` ${text}`}`;
  if (status === 401)
    return `${why} (log in with --token or OUTPOST_TOKEN, an API token from \`outpost token create\`)`;
  if (status === 404) return `${why} (is this an Outpost aggregator?)`;
  return why;
}

/** The `error` of a JSON error answer (Prometheus's and Loki's APIs), if the body is one. */
function errorOf(body: string): string | undefined {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    return typeof error === "string" ? error : undefined;
  } catch {
    return undefined;
  }
}
