/**
 * Sending a built request: `http_config` applied (basic auth, `authorization`, bearer token,
 * an OAuth 2 client credentials token, `tls_config`, `proxy_url`, `follow_redirects`), and the
 * outcome classified as
 * Alertmanager 0.25 classifies it. Observed on 0.25: every integration retries 5xx;
 * PagerDuty, Opsgenie and Telegram retry 429 too; Telegram retries every failure (its client
 * does not tell them apart); any other 4xx is final.
 */
import { readFileSync } from "node:fs";
import type { OAuth2Config } from "../../../shared/config/http.ts";
import { staticAuthorization } from "../../../shared/http/client.ts";
import { tokensFor } from "../../../shared/http/oauth2.ts";
import { bunProxy, type ProxySettings } from "../../../shared/http/proxy.ts";
import type { Section } from "../config/integrations.ts";
import type { SendResult } from "../receivers/integration.ts";
import type { NotifyRequest } from "./request.ts";

const RETRY_429 = new Set(["pagerduty", "opsgenie", "telegram"]);

/** Whether Alertmanager retries `kind` (`slack`, `pagerduty`, …) after HTTP `status`. */
export function retryable(kind: string, status: number): boolean {
  if (kind === "telegram") return true;
  return status >= 500 || (status === 429 && RETRY_429.has(kind));
}

const fileText = (path: unknown) => readFileSync(String(path), "utf8").trim();

/** The Authorization header `http_config` asks for, if any (the shared client's reading). */
export function authorization(http: Section | undefined): string | undefined {
  if (!http) return undefined;
  const basic = http.basic_auth as Section | undefined;
  const auth = http.authorization as Section | undefined;
  const header = staticAuthorization({
    basic_auth: basic && {
      username: String(basic.username ?? ""),
      username_file: basic.username_file as string | undefined,
      password: basic.password as string | undefined,
      password_file: basic.password_file as string | undefined,
    },
    authorization: auth && {
      type: (auth.type as string | undefined) ?? "Bearer",
      credentials: auth.credentials as string | undefined,
      credentials_file: auth.credentials_file as string | undefined,
    },
  });
  if (header !== undefined) return header;
  if (http.bearer_token_file) return `Bearer ${fileText(http.bearer_token_file)}`;
  if (http.bearer_token) return `Bearer ${http.bearer_token}`;
  return undefined;
}

/** One `oauth2` section's settings, made once so that its token is kept between sends. */
const oauth2Settings = new WeakMap<Section, OAuth2Config>();

function oauth2Of(section: Section): OAuth2Config {
  let config = oauth2Settings.get(section);
  if (config === undefined) {
    config = {
      client_id: String(section.client_id ?? ""),
      client_secret: section.client_secret as string | undefined,
      client_secret_file: section.client_secret_file as string | undefined,
      scopes: (section.scopes as string[] | undefined) ?? [],
      token_url: String(section.token_url ?? ""),
      endpoint_params: (section.endpoint_params as Record<string, string> | undefined) ?? {},
      tls_config: {
        insecure_skip_verify: false,
        ...((section.tls_config as Section | undefined) ?? {}),
      } as OAuth2Config["tls_config"],
      proxy_url: section.proxy_url as string | undefined,
      no_proxy: section.no_proxy as string | undefined,
      proxy_from_environment: section.proxy_from_environment === true,
      proxy_connect_header: (section.proxy_connect_header as Record<string, string[]>) ?? {},
    };
    oauth2Settings.set(section, config);
  }
  return config;
}

/**
 * The `fetch` options of a request with `http_config`: its Authorization (an OAuth 2 token
 * asked for within `signal` when none is held), TLS, proxy and redirects.
 */
export async function requestInit(
  url: string,
  request: Pick<NotifyRequest, "method" | "headers" | "body">,
  http: Section | undefined,
  signal: AbortSignal,
): Promise<RequestInit> {
  const headers: Record<string, string> = { ...request.headers };
  const oauth2 = http?.oauth2 as Section | undefined;
  const auth = oauth2
    ? await tokensFor(oauth2Of(oauth2)).authorization(signal)
    : authorization(http);
  // As Prometheus's HTTP client: credentials only where the request has no Authorization yet.
  if (auth && !Object.keys(headers).some((h) => h.toLowerCase() === "authorization"))
    headers.Authorization = auth;
  const tls = http?.tls_config as Section | undefined;
  return {
    method: request.method,
    headers,
    body: request.body,
    signal,
    redirect: http?.follow_redirects === false ? ("manual" as const) : ("follow" as const),
    // Picked here (no_proxy, proxy_from_environment): Bun would use HTTP_PROXY unasked.
    proxy: bunProxy(new URL(url), (http ?? {}) as ProxySettings),
    tls: tls && {
      rejectUnauthorized: tls.insecure_skip_verify !== true,
      ca: tls.ca_file ? fileText(tls.ca_file) : undefined,
      cert: tls.cert_file ? fileText(tls.cert_file) : undefined,
      key: tls.key_file ? fileText(tls.key_file) : undefined,
      serverName: (tls.server_name as string | undefined) ?? undefined,
    },
  } as RequestInit;
}

/** Sends `request` through integration `kind` with its `http_config`; never throws. */
export async function send(
  kind: string,
  request: NotifyRequest,
  http: Section | undefined,
  signal: AbortSignal,
): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetch(request.url, await requestInit(request.url, request, http, signal));
  } catch (error) {
    const timeout = signal.aborted;
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      retry: true,
      reason: timeout ? "timeout" : "other",
      message: `Cannot send to ${kind}: ${timeout ? "the attempt timed out" : why}`,
    };
  }
  const body = (await response.text().catch(() => "")).slice(0, 1024);
  if (response.ok && !(kind === "telegram" && telegramRefused(body)))
    return { ok: true, status: response.status };
  return {
    ok: false,
    retry: retryable(kind, response.status),
    reason: response.status >= 500 ? "serverError" : response.ok ? "other" : "clientError",
    message: `Cannot send to ${kind}: unexpected status code ${response.status}: ${body}`,
  };
}

/** The Bot API answers 200 with `"ok": false` for some refusals. */
function telegramRefused(body: string): boolean {
  try {
    return (JSON.parse(body) as { ok?: boolean }).ok === false;
  } catch {
    return false;
  }
}
