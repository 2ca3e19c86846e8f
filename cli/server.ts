/**
 * How `outpost query` and `outpost logs` reach an aggregator: its URL without credentials
 * (a `user:password@` in it becomes Basic authentication and never reaches a message), an API
 * token from `--token` or OUTPOST_TOKEN as a Bearer (`--token` first, then the URL's user,
 * then the environment), and a time limit on every answer.
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
 * The server of `--server URL` (scheme required) and its credentials: `token` (`--token`),
 * else the URL's user and password, else OUTPOST_TOKEN.
 * Throws a message for the user when the URL is not one.
 */
export function serverOf(text: string, token?: string): Server {
  // Said without any user info the text holds: a password never reaches a message.
  const shown = JSON.stringify(text.replace(/\/\/[^/@]*@/, "//"));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const example = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
      ? ""
      : ` such as http://${shown.slice(1, -1)}`;
    throw new Error(`--server ${shown}: expected a URL${example}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`--server ${shown}: expected an http:// or https:// URL`);
  const headers: Record<string, string> = {};
  // The token given on the command line, else the URL's user, else OUTPOST_TOKEN.
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (url.username !== "") {
    const basic = Buffer.from(`${decoded(url.username)}:${decoded(url.password)}`);
    headers.Authorization = `Basic ${basic.toString("base64")}`;
  } else if (process.env.OUTPOST_TOKEN)
    headers.Authorization = `Bearer ${process.env.OUTPOST_TOKEN}`;
  url.username = "";
  url.password = "";
  return { url: url.toString().replace(/\/+$/, ""), headers };
}

/** A URL's user or password as typed: a `%` not followed by two hex digits is itself. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
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
