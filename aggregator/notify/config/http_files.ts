/**
 * The files of an `http_config` read from the alertmanager.yml's directory, as Alertmanager's
 * loader sets every HTTP client's directory (password, credentials, bearer token, TLS and OAuth
 * 2 files); other `*_file` fields (`url_file`, `api_url_file`, …) are read as written there too.
 */
import { isAbsolute, join } from "node:path";
import type { Section } from "./integrations.ts";

/** A copy of `http` whose relative file paths are made absolute against `dir`. */
export function resolveHttpFiles(http: Section, dir: string): Section {
  const file = (value: unknown) =>
    typeof value === "string" && value !== "" && !isAbsolute(value) ? join(dir, value) : value;
  const within = (section: unknown, keys: readonly string[]): Section | undefined => {
    if (section === undefined || section === null || typeof section !== "object") return undefined;
    const out: Section = { ...(section as Section) };
    for (const key of keys) if (out[key] !== undefined) out[key] = file(out[key]);
    return out;
  };
  const out: Section = { ...http };
  const tlsFiles = ["ca_file", "cert_file", "key_file"];
  if (http.basic_auth) out.basic_auth = within(http.basic_auth, ["username_file", "password_file"]);
  if (http.authorization) out.authorization = within(http.authorization, ["credentials_file"]);
  if (http.bearer_token_file !== undefined) out.bearer_token_file = file(http.bearer_token_file);
  if (http.tls_config) out.tls_config = within(http.tls_config, tlsFiles);
  if (http.oauth2) {
    const oauth2 = within(http.oauth2, ["client_secret_file"]) as Section;
    if (oauth2.tls_config) oauth2.tls_config = within(oauth2.tls_config, tlsFiles);
    out.oauth2 = oauth2;
  }
  return out;
}
