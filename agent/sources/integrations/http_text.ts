/**
 * GET a status page as text, for the collectors that read one over HTTP (nginx's stub_status,
 * Apache's server-status, HAProxy's CSV stats): a failure or an HTTP error status throws,
 * naming the URL, and a body past `maxBytes` is refused rather than held in memory.
 */
import { withTimeout } from "./timeout.ts";

/** The largest status page read: HAProxy's CSV for thousands of servers stays well below. */
export const MAX_STATUS_BYTES = 16 << 20;

/** The page at `url` as text; throws `Cannot fetch <url>: <why>`. */
export async function fetchText(
  url: string,
  timeoutMs: number,
  maxBytes = MAX_STATUS_BYTES,
): Promise<string> {
  const fail = (why: string) => new Error(`Cannot fetch ${url}: ${why}`);
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" }).catch(
    (err: Error) => {
      throw fail(err.message);
    },
  );
  if (!r.ok) {
    await r.body?.cancel();
    throw fail(`HTTP ${r.status}`);
  }
  if (Number(r.headers.get("content-length") ?? 0) > maxBytes) {
    await r.body?.cancel();
    throw fail(`the page is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of r.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw fail(`the page is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** What probing for a status page found: its URL, or every URL tried. */
export interface ProbeResult {
  url?: string;
  tried: string[];
}

/**
 * Looks for a status page on 127.0.0.1 at each of `ports` × `paths`, in order: the first whose
 * text `isPage` accepts. Throws `Cannot find <what>: timed out` once `deadline` has passed.
 */
export async function probeStatusPage(
  ports: readonly number[],
  paths: readonly string[],
  isPage: (text: string) => boolean,
  what: string,
  deadline: number,
  timeoutMs: number,
): Promise<ProbeResult> {
  const tried: string[] = [];
  for (const port of ports)
    for (const path of paths) {
      const url = `http://127.0.0.1:${port}${path}`;
      tried.push(url);
      if (Date.now() >= deadline)
        throw new Error(`Cannot find ${what}: timed out after ${timeoutMs} ms`);
      const text = await fetchText(url, deadline - Date.now()).catch(() => "");
      if (isPage(text)) return { url, tried };
    }
  return { tried };
}

/** Where a probe looked, for the hint a collector logs: the URLs, or that there was no port. */
export function probedWhere(tried: readonly string[]): string {
  return tried.length > 0 ? `at ${tried.join(", ")}` : "(it listens on no TCP port)";
}

/**
 * The page at `url`, within what is left before `deadline` of a collection's `timeoutMs`; a
 * timeout names the whole `timeoutMs`, so the message is the same each time (logged once).
 */
export function fetchBefore(url: string, deadline: number, timeoutMs: number): Promise<string> {
  const left = Math.max(1, deadline - Date.now());
  return withTimeout(fetchText(url, left), left, `fetch ${url}`, timeoutMs);
}
