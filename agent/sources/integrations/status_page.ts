/**
 * The one way collectors read a service's page over HTTP: nginx's stub_status, Apache's
 * server-status, HAProxy's CSV stats, and the Prometheus text that RabbitMQ's plugin and
 * HAProxy's built-in exporter serve (exposition_relay.ts). A timeout, a size cap that stops
 * reading rather than holding an oversized body, one error shape ({@link StatusPageError}),
 * and self-metrics per integration once the runner has instrumented the page.
 */
import { bunProxy } from "../../../shared/http/proxy.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import { withTimeout } from "./timeout.ts";

/** The largest page read: HAProxy's CSV for thousands of servers stays well below. */
export const MAX_STATUS_BYTES = 16 << 20;

/** Why a fetch failed, the `result` label of the self-metric. */
export type FetchFailure = "error" | "http_status" | "too_large" | "timeout";

/** A page that could not be read: `Cannot fetch <url>: <why>`, with the cause as a code. */
export class StatusPageError extends Error {
  override name = "StatusPageError";
  constructor(
    readonly url: string,
    readonly reason: FetchFailure,
    why: string,
    /** The HTTP status for `http_status`, else 0. */
    readonly status = 0,
  ) {
    super(`Cannot fetch ${url}: ${why}`);
  }
}

/** A page as read: its bytes and Content-Type. */
export interface FetchedPage {
  body: Uint8Array;
  contentType: string | null;
}

/** Options of one fetch. */
export interface FetchOptions {
  timeoutMs: number;
  maxBytes?: number;
  /** Request headers (`accept`, `authorization`); never logged. */
  headers?: Record<string, string>;
}

/** GETs `url`; throws a {@link StatusPageError} on a failure, an HTTP error status or a body past the cap. */
export async function fetchPage(url: string, opts: FetchOptions): Promise<FetchedPage> {
  const max = opts.maxBytes ?? MAX_STATUS_BYTES;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  // The environment's proxy as Go's default client takes it (the official exporters' client):
  // never for localhost and loopback addresses, which Bun's own handling would proxy.
  const proxy = bunProxy(new URL(url), { proxy_from_environment: true });
  const init = { signal, redirect: "manual", headers: opts.headers, proxy } as RequestInit;
  const r = await fetch(url, init).catch((err: Error) => {
    throw failure(url, err, opts.timeoutMs);
  });
  if (!r.ok) {
    await r.body?.cancel();
    throw new StatusPageError(url, "http_status", `HTTP ${r.status}`, r.status);
  }
  const tooLarge = () =>
    new StatusPageError(url, "too_large", `the page is larger than ${max} bytes`);
  if (Number(r.headers.get("content-length") ?? 0) > max) {
    await r.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of r.body ?? []) {
      size += chunk.byteLength;
      if (size > max) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (err) {
    await r.body?.cancel().catch(() => {});
    throw err instanceof StatusPageError ? err : failure(url, err as Error, opts.timeoutMs);
  }
  return {
    body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
    contentType: r.headers.get("content-type"),
  };
}

function failure(url: string, err: Error, timeoutMs: number): StatusPageError {
  return err?.name === "TimeoutError" || err?.name === "AbortError"
    ? new StatusPageError(url, "timeout", `timed out after ${timeoutMs} ms`)
    : new StatusPageError(url, "error", String(err?.message ?? err));
}

/** The page at `url` as UTF-8 text (see {@link fetchPage}). */
export async function fetchText(
  url: string,
  timeoutMs: number,
  maxBytes = MAX_STATUS_BYTES,
): Promise<string> {
  const { body } = await fetchPage(url, { timeoutMs, maxBytes });
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

/** What probing for a status page found: its URL, or every URL tried. */
export interface ProbeResult {
  url?: string;
  tried: string[];
}

/**
 * Looks for a status page on 127.0.0.1 at each of `ports` × `paths`, in order: the first whose
 * text `isPage` accepts. Throws `Cannot find <what>: timed out` once `deadline` has passed.
 * Probes are not counted in the self-metrics: a miss is the expected answer.
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

/**
 * When a detected service's status page is looked for again after a probe found none. Each
 * probe requests every well-known path on every port, and the server logs each of them (404
 * lines in the access log the agent may be tailing); so after a miss the next probe waits 1
 * minute, then twice as long each time up to 10 minutes, instead of coming every interval.
 * The collections in between report the last miss without a request. A page found resets it.
 */
export class ProbeBackoff {
  private wait = 0;
  private next = 0;
  private miss: Error | null = null;

  constructor(
    private readonly first = 60_000,
    private readonly max = 600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `look` unless the last miss is still pending (then throws it without a request): the
   * URL it found, or the error `refusal` makes of what it tried, thrown and kept until the next
   * probe is due.
   */
  async probe(
    look: () => Promise<ProbeResult>,
    refusal: (tried: string[]) => Error,
  ): Promise<string> {
    const pending = this.pending();
    if (pending) throw pending;
    const found = await look();
    if (found.url) {
      this.found();
      return found.url;
    }
    throw this.missed(refusal(found.tried));
  }

  /** The last miss, while the next probe is not due yet; null when it is. */
  pending(): Error | null {
    return this.miss !== null && this.now() < this.next ? this.miss : null;
  }

  /** A probe found no page: `err` is reported until the next one is due. */
  missed(err: Error): Error {
    this.wait = this.wait === 0 ? this.first : Math.min(this.max, this.wait * 2);
    this.next = this.now() + this.wait;
    this.miss = err;
    return err;
  }

  /** A probe found the page. */
  found(): void {
    this.wait = 0;
    this.miss = null;
  }
}

/** Where a probe looked, for the hint a collector logs: the URLs, or that there was no port. */
export function probedWhere(tried: readonly string[]): string {
  return tried.length > 0 ? `at ${tried.join(", ")}` : "(it listens on no TCP port)";
}

interface PageMetrics {
  fetches: Metric;
  bytes: Metric;
  labels: { integration: string };
}

/**
 * One collector's status page: each collection's fetch within what is left of its timeout,
 * counted by result (`outpost_integration_page_fetches_total`) with the size of the last
 * page read (`outpost_integration_page_size_bytes`), once {@link instrument}ed.
 */
export class StatusPage {
  private metrics: PageMetrics | null = null;

  constructor(private readonly maxBytes = MAX_STATUS_BYTES) {}

  /** Registers the self-metrics under `integration`; returns what removes its children. */
  instrument(registry: Registry, integration: string): () => void {
    const fetches = registry.counter(
      "outpost_integration_page_fetches_total",
      "Fetches of a service's status or metrics page by the integration's collector, by result (ok, error, http_status, too_large, timeout).",
      ["integration", "result"],
    );
    const bytes = registry.gauge(
      "outpost_integration_page_size_bytes",
      "Size of the last status or metrics page an integration's collector read.",
      ["integration"],
    );
    const labels = { integration };
    this.metrics = { fetches, bytes, labels };
    return () => {
      for (const result of ["ok", "error", "http_status", "too_large", "timeout"])
        fetches.remove({ integration, result });
      bytes.remove(labels);
      this.metrics = null;
    };
  }

  /**
   * The page at `url` within what is left before `deadline` of a collection's `timeoutMs`; a
   * timeout names the whole `timeoutMs`, so the message is the same each time (logged once).
   */
  async fetch(
    url: string,
    deadline: number,
    timeoutMs: number,
    headers?: Record<string, string>,
  ): Promise<FetchedPage> {
    const left = Math.max(1, deadline - Date.now());
    // The timer is a second guard (a body that trickles in); either way the message names
    // the whole timeout.
    const timedOut = () => new StatusPageError(url, "timeout", `timed out after ${timeoutMs} ms`);
    try {
      const page = await withTimeout(
        fetchPage(url, { timeoutMs: left, maxBytes: this.maxBytes, headers }),
        left,
        `fetch ${url}`,
        timeoutMs,
      ).catch((err) => {
        throw err instanceof StatusPageError && err.reason !== "timeout" ? err : timedOut();
      });
      this.count("ok", page.body.byteLength);
      return page;
    } catch (err) {
      this.count((err as StatusPageError).reason);
      throw err;
    }
  }

  /** {@link fetch} as UTF-8 text. */
  async fetchText(url: string, deadline: number, timeoutMs: number): Promise<string> {
    const { body } = await this.fetch(url, deadline, timeoutMs);
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  }

  private count(result: "ok" | FetchFailure, size?: number): void {
    const m = this.metrics;
    if (m === null) return;
    m.fetches.labels({ ...m.labels, result }).inc();
    if (size !== undefined) m.bytes.labels(m.labels).set(size);
  }
}
