/**
 * An integration's `http_config` turned into what each request carries: the Authorization
 * header (basic auth, `authorization`, `bearer_token`, their `_file` forms read at send time
 * as Alertmanager reads them) and TLS options (`insecure_skip_verify`, `ca_file`, client
 * certificate). Proxies and OAuth 2 are not applied yet.
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";

/** What a request through the integration is given. */
export interface HttpOptions {
  readonly headers: Record<string, string>;
  readonly tls?: { rejectUnauthorized?: boolean; ca?: string; cert?: string; key?: string };
}

const fileText = (path: string) => readFileSync(path, "utf8").trim();

/** The request options for `http_config` (undefined: no options). */
export function httpOptions(config: Section | undefined): HttpOptions {
  const headers: Record<string, string> = {};
  if (config === undefined) return { headers };
  const basic = config.basic_auth as Section | undefined;
  const auth = config.authorization as Section | undefined;
  if (basic !== undefined) {
    const user = (basic.username as string | undefined) ?? fileText(String(basic.username_file));
    const password =
      basic.password_file !== undefined
        ? fileText(basic.password_file as string)
        : ((basic.password as string | undefined) ?? "");
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  } else if (auth !== undefined) {
    const credentials =
      auth.credentials_file !== undefined
        ? fileText(auth.credentials_file as string)
        : ((auth.credentials as string | undefined) ?? "");
    headers.Authorization = `${(auth.type as string | undefined) ?? "Bearer"} ${credentials}`;
  } else if (config.bearer_token !== undefined || config.bearer_token_file !== undefined) {
    const token =
      config.bearer_token_file !== undefined
        ? fileText(config.bearer_token_file as string)
        : (config.bearer_token as string);
    headers.Authorization = `Bearer ${token}`;
  }
  const t = config.tls_config as Section | undefined;
  if (t === undefined) return { headers };
  return {
    headers,
    tls: {
      rejectUnauthorized: t.insecure_skip_verify !== true,
      ca: (t.ca as string | undefined) ?? (t.ca_file ? fileText(t.ca_file as string) : undefined),
      cert:
        (t.cert as string | undefined) ??
        (t.cert_file ? fileText(t.cert_file as string) : undefined),
      key:
        (t.key as string | undefined) ?? (t.key_file ? fileText(t.key_file as string) : undefined),
    },
  };
}
