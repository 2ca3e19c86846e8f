/** Bun's TLS request options from Prometheus's `tls_config` (shared/config/http.ts). */
import { readFileSync } from "node:fs";
import type { HttpClientConfig } from "../config/http.ts";

/** Bun's `tls` request options. */
export interface TlsOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
}

/** Bun's TLS options for a `tls_config` (its files read now). */
export function tlsOptions(tls: HttpClientConfig["tls_config"]): TlsOptions {
  return {
    rejectUnauthorized: !tls.insecure_skip_verify,
    ca: tls.ca_file ? readFileSync(tls.ca_file, "utf8") : undefined,
    cert: tls.cert_file ? readFileSync(tls.cert_file, "utf8") : undefined,
    key: tls.key_file ? readFileSync(tls.key_file, "utf8") : undefined,
    serverName: tls.server_name,
  };
}
