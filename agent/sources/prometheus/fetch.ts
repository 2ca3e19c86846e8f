import { authorizationHeader } from "../../../shared/http/client.ts";
import { type BunProxy, bunProxy, type ProxyEnv } from "../../../shared/http/proxy.ts";
import { type TlsOptions, tlsOptions } from "../../../shared/http/tls.ts";
import { stallTolerantTimeout } from "../../../shared/runtime/deadline.ts";
import { type Reserve, readLimitedBody } from "./body.ts";
import type { ScrapeJob } from "./job.ts";

/** Prometheus's Accept header for scrapes (text formats only: no protobuf). */
export const SCRAPE_ACCEPT =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

const USER_AGENT = "Outpost-Agent/0.1";

const noReserve: Reserve = () => {};

/** A fetched exposition body and its declared content type. */
export interface ScrapeBody {
  body: Uint8Array;
  contentType: string | null;
}

/**
 * Performs the HTTP part of a scrape for one target: auth, TLS, Prometheus's content
 * negotiation, gzip, the timeout header and body_size_limit (enforced while reading). Credentials files are read on
 * every scrape so rotated secrets take effect, as in Prometheus.
 */
export class ScrapeFetcher {
  private readonly tls: TlsOptions;
  /** Bun's proxy option: false connects directly, whatever the environment says. */
  private readonly proxy: BunProxy;

  /**
   * `env` is read once, here, as Prometheus reads the proxy variables once. `tls` is the job's
   * TLS options when its source read them already (once per job); else its files are read now.
   */
  constructor(
    private readonly url: string,
    private readonly job: ScrapeJob,
    env: ProxyEnv = process.env,
    tls: TlsOptions = tlsOptions(job.tls_config),
  ) {
    this.proxy = bunProxy(new URL(url), job, env);
    this.tls = tls;
  }

  /**
   * Fetches the exposition within `timeoutMs`, reserving its bytes with `reserve` as they
   * arrive; throws an Error whose message says what failed.
   */
  async fetch(
    timeoutMs: number,
    signal: AbortSignal,
    reserve: Reserve = noReserve,
  ): Promise<ScrapeBody> {
    // The agent's own stalls are not the target's slowness (shared/runtime/deadline.ts).
    const timeout = stallTolerantTimeout(timeoutMs);
    const deadline = AbortSignal.any([signal, timeout]);
    let res: Response;
    try {
      res = await fetch(this.url, {
        headers: await this.headers(timeoutMs, deadline),
        signal: deadline,
        // Not followed, a 3xx answer fails below as Prometheus's does ("…status 302 Found").
        redirect: this.job.follow_redirects ? "follow" : "manual",
        // Bun-specific: the proxy to connect through, or false for none.
        proxy: this.proxy,
        // Bun-specific: keep gzip as sent, so it is inflated within the limit (body.ts).
        decompress: false,
        // Bun-specific: TLS options for this request.
        ...(this.tls ? { tls: this.tls } : {}),
      } as RequestInit);
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`server returned HTTP status ${res.status} ${res.statusText}`);
      }
      const body = await readLimitedBody(res, this.job.body_size_limit, reserve);
      return { body, contentType: res.headers.get("content-type") };
    } catch (err) {
      if (timeout.aborted) throw new Error(`scrape timed out after ${timeoutMs} ms`);
      throw err;
    }
  }

  private async headers(timeoutMs: number, signal: AbortSignal): Promise<Record<string, string>> {
    const h: Record<string, string> = {
      Accept: SCRAPE_ACCEPT,
      "Accept-Encoding": "gzip",
      "User-Agent": USER_AGENT,
      "X-Prometheus-Scrape-Timeout-Seconds": String(timeoutMs / 1000),
    };
    // An OAuth 2 token's request counts in the scrape's time, as in Prometheus's client.
    const auth = await authorizationHeader(this.job, signal);
    if (auth) h.Authorization = auth;
    return h;
  }
}
