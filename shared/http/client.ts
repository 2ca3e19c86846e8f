/**
 * What a request made with Prometheus's HTTP client settings (shared/config/http.ts) carries:
 * the Authorization header (basic auth, `authorization`, an OAuth 2 token) and Bun's TLS
 * options (tls.ts). Credential files are read at each request, so rotated secrets apply at once, as
 * in Prometheus.
 */
import { readFileSync } from "node:fs";
import type { HttpClientConfig } from "../config/http.ts";
import { tokensFor } from "./oauth2.ts";

export { type TlsOptions, tlsOptions } from "./tls.ts";

/**
 * The Authorization header's value, if the settings ask for one; an OAuth 2 token is asked
 * for within `signal` when none is held.
 */
export async function authorizationHeader(
  config: Pick<HttpClientConfig, "basic_auth" | "authorization" | "oauth2">,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (config.oauth2) return tokensFor(config.oauth2).authorization(signal);
  return staticAuthorization(config);
}

/** Basic auth as the header needs it; `username_file` is Alertmanager's (newer clients'). */
type BasicAuth = NonNullable<HttpClientConfig["basic_auth"]> & { username_file?: string };

/** The Authorization header's value from basic auth or `authorization` (the loader folds `bearer_token` into it). */
export function staticAuthorization(config: {
  basic_auth?: BasicAuth;
  authorization?: HttpClientConfig["authorization"];
}): string | undefined {
  const { basic_auth, authorization } = config;
  if (basic_auth) {
    const secret = (path: string) => readFileSync(path, "utf8").trim();
    const username = basic_auth.username_file
      ? secret(basic_auth.username_file)
      : basic_auth.username;
    const password = basic_auth.password_file
      ? secret(basic_auth.password_file)
      : (basic_auth.password ?? "");
    return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  if (authorization) {
    const credentials = authorization.credentials_file
      ? readFileSync(authorization.credentials_file, "utf8").trim()
      : (authorization.credentials ?? "");
    return `${authorization.type} ${credentials}`;
  }
  return undefined;
}
