/**
 * Sending a built request: `http_config` applied (basic auth, `authorization`, bearer token,
 * `tls_config.insecure_skip_verify` and CA, `proxy_url`), and the outcome classified as
 * Alertmanager 0.25 classifies it. Observed on 0.25: every integration retries 5xx;
 * PagerDuty, Opsgenie and Telegram retry 429 too; Telegram retries every failure (its client
 * does not tell them apart); any other 4xx is final.
 */
import { readFileSync } from "node:fs";
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

/** The Authorization header `http_config` asks for, if any. */
export function authorization(http: Section | undefined): string | undefined {
  if (!http) return undefined;
  const basic = http.basic_auth as Section | undefined;
  if (basic) {
    const user = basic.username_file ? fileText(basic.username_file) : String(basic.username ?? "");
    const pass = basic.password_file ? fileText(basic.password_file) : String(basic.password ?? "");
    return `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  }
  const auth = http.authorization as Section | undefined;
  if (auth) {
    const credentials = auth.credentials_file
      ? fileText(auth.credentials_file)
      : String(auth.credentials ?? "");
    return `${(auth.type as string | undefined) ?? "Bearer"} ${credentials}`;
  }
  if (http.bearer_token_file) return `Bearer ${fileText(http.bearer_token_file)}`;
  if (http.bearer_token) return `Bearer ${http.bearer_token}`;
  return undefined;
}

function fetchOptions(request: NotifyRequest, http: Section | undefined, signal: AbortSignal) {
  const headers: Record<string, string> = { ...request.headers };
  const auth = authorization(http);
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
    proxy: (http?.proxy_url as string | undefined) ?? undefined,
    tls: tls && {
      rejectUnauthorized: tls.insecure_skip_verify !== true,
      ca: tls.ca_file ? fileText(tls.ca_file) : undefined,
      cert: tls.cert_file ? fileText(tls.cert_file) : undefined,
      key: tls.key_file ? fileText(tls.key_file) : undefined,
      serverName: (tls.server_name as string | undefined) ?? undefined,
    },
  };
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
    response = await fetch(request.url, fetchOptions(request, http, signal));
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
