import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { filePath } from "./fields.ts";

/**
 * The HTTP client settings Prometheus shares between scrape configs, Alertmanager
 * receivers and remote write (`basic_auth`, `authorization`, `tls_config` and the legacy
 * `bearer_token`), with the same mutual-exclusion rules, so blocks copied from Prometheus
 * or Alertmanager configs keep their meaning.
 */

/** `basic_auth`: a user name and a password, the password given inline or read from a file. */
export const basicAuthSchema = z
  .object({
    username: z.string().default("").describe("User name sent with every request."),
    password: z.string().optional().describe("Password sent with every request."),
    password_file: filePath()
      .optional()
      .describe("File whose content is the password; instead of `password`."),
  })
  .strict()
  .superRefine((auth, ctx) => exclusive(ctx, auth, ["password", "password_file"]));

/** `authorization`: an `Authorization: <type> <credentials>` header. */
export const authorizationSchema = z
  .object({
    type: z
      .string()
      .transform((t) => t.trim() || "Bearer")
      .refine((t) => t.toLowerCase() !== "basic", {
        error: 'authorization type cannot be "Basic"; use basic_auth instead',
      })
      .prefault("Bearer")
      .describe("Scheme written before the credentials in the Authorization header."),
    credentials: z.string().optional().describe("Credentials sent after the type."),
    credentials_file: filePath()
      .optional()
      .describe("File whose content is the credentials; instead of `credentials`."),
  })
  .strict()
  .superRefine((auth, ctx) => exclusive(ctx, auth, ["credentials", "credentials_file"]));

const tlsVersion = z.enum(["TLS10", "TLS11", "TLS12", "TLS13"]).describe("A TLS protocol version.");

/** `tls_config`: how to verify the server and which client certificate to present. */
export const tlsConfigSchema = z
  .object({
    ca_file: filePath()
      .optional()
      .describe("CA certificate(s) to verify the server with, instead of the system roots."),
    cert_file: filePath()
      .optional()
      .describe("Client certificate for mutual TLS; needs `key_file`."),
    key_file: filePath()
      .optional()
      .describe("Private key of the client certificate; needs `cert_file`."),
    server_name: z
      .string()
      .optional()
      .describe("Name to verify the server certificate against (and send as SNI)."),
    insecure_skip_verify: z
      .boolean()
      .default(false)
      .describe(
        "Accept any server certificate. Only for testing: it disables protection against interception.",
      ),
    min_version: tlsVersion.optional().describe("Lowest TLS version to accept; TLS12 when unset."),
    max_version: tlsVersion
      .optional()
      .describe("Highest TLS version to offer; the newest supported when unset."),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (tls.cert_file !== undefined && tls.key_file === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["cert_file"],
        message: "cert_file needs key_file as well",
      });
    }
    if (tls.key_file !== undefined && tls.cert_file === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["key_file"],
        message: "key_file needs cert_file as well",
      });
    }
    const order = tlsVersion.options;
    if (
      tls.min_version &&
      tls.max_version &&
      order.indexOf(tls.max_version) < order.indexOf(tls.min_version)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["max_version"],
        message: "max_version is lower than min_version",
      });
    }
  });

/**
 * The proxy fields of Prometheus's HTTP client (the last three are Prometheus 3's): where a
 * request connects through, picked by shared/http/proxy.ts.
 */
export const proxyFields = {
  proxy_url: z
    .string()
    .regex(/^https?:\/\/[^/?#]+/, { error: "expected an http:// or https:// proxy URL" })
    .optional()
    .describe("HTTP proxy to connect through (`http://user:password@proxy:3128`)."),
  no_proxy: z
    .string()
    .optional()
    .describe(
      "Hosts that bypass proxy_url, comma-separated: host names (`example.com` with its subdomains, `.example.com` only them), IPs and CIDR ranges, each with an optional `:port`; `*` for all. Once it is set, localhost and loopback addresses go directly too, as in Go.",
    ),
  proxy_from_environment: z
    .boolean()
    .default(false)
    .describe(
      "Connect through the proxy the environment names: HTTP_PROXY or HTTPS_PROXY by the URL's scheme, past NO_PROXY, read as Go reads them (localhost and loopback addresses go directly).",
    ),
  proxy_connect_header: z
    .record(z.string(), z.array(z.string()))
    .prefault({})
    .describe(
      "Headers sent to the proxy in the CONNECT request that opens an https connection, each name with a list of values (an http request has no CONNECT: they are not sent, as in Prometheus).",
    ),
};

/** The proxy fields as {@link proxyProblem} reads them. */
export interface ProxySettingsInput {
  proxy_url?: string;
  no_proxy?: string;
  proxy_from_environment?: boolean;
  proxy_connect_header?: Record<string, unknown>;
}

/**
 * The first proxy setting Prometheus refuses, in its order, with its message and the field to
 * blame; undefined when the settings hold together.
 */
export function proxyProblem(
  config: ProxySettingsInput,
): { field: string; message: string } | undefined {
  const fromEnv = config.proxy_from_environment === true;
  const url = Boolean(config.proxy_url);
  const noProxy = Boolean(config.no_proxy);
  const headers = Object.keys(config.proxy_connect_header ?? {}).length > 0;
  const rules: [boolean, string, string][] = [
    [
      headers && !fromEnv && !url,
      "proxy_connect_header",
      "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured",
    ],
    [
      fromEnv && url,
      "proxy_url",
      "if proxy_from_environment is configured, proxy_url must not be configured",
    ],
    [
      fromEnv && noProxy,
      "no_proxy",
      "if proxy_from_environment is configured, no_proxy must not be configured",
    ],
    [!url && noProxy, "no_proxy", "if no_proxy is configured, proxy_url must also be configured"],
  ];
  const broken = rules.find(([applies]) => applies);
  return broken && { field: broken[1], message: broken[2] };
}

/** Refuses the proxy settings that Prometheus refuses, with its messages: the first that applies. */
export function checkProxy(config: ProxySettingsInput, ctx: z.RefinementCtx): void {
  const broken = proxyProblem(config);
  if (broken) ctx.addIssue({ code: "custom", path: [broken.field], message: broken.message });
}

/**
 * `oauth2`: the client credentials grant. A token is asked of `token_url` with the client's
 * id and secret and sent as `Authorization: Bearer …` until it expires (shared/http/oauth2.ts).
 */
export const oauth2Schema = z
  .object({
    client_id: z
      .string()
      .min(1, { error: "oauth2 client_id must be configured" })
      .describe("The client's id."),
    client_secret: z.string().optional().describe("The client's secret."),
    client_secret_file: filePath()
      .optional()
      .describe(
        "File whose content is the client's secret, read again at each token request; instead of `client_secret`.",
      ),
    scopes: z.array(z.string()).prefault([]).describe("Scopes to ask for."),
    token_url: z
      .string()
      .regex(/^https?:\/\/[^/?#]+/, {
        error: "oauth2 token_url must be an http:// or https:// URL",
      })
      .describe("The token endpoint."),
    endpoint_params: z
      .record(z.string(), z.string())
      .prefault({})
      .describe("Parameters added to the token request's form."),
    tls_config: tlsConfigSchema.prefault({}).describe("TLS settings for the token endpoint."),
    ...proxyFields,
  })
  .strict()
  .superRefine(checkProxy)
  .superRefine((auth, ctx) => {
    if (isSet(auth.client_secret) && isSet(auth.client_secret_file))
      ctx.addIssue({
        code: "custom",
        path: ["client_secret_file"],
        message: "at most one of oauth2 client_secret & client_secret_file must be configured",
      });
  });

/** The loaded `oauth2`: file paths absolute. */
export type OAuth2Config = z.output<typeof oauth2Schema>;

/** The HTTP client fields, to be spread into an object schema that talks HTTP. */
export const httpClientFields = {
  basic_auth: basicAuthSchema.optional().describe("HTTP basic authentication."),
  authorization: authorizationSchema
    .optional()
    .describe("Authorization header; the modern form of bearer_token."),
  bearer_token: z
    .string()
    .optional()
    .describe("Legacy: same as authorization.credentials with type Bearer."),
  bearer_token_file: filePath()
    .optional()
    .describe("Legacy: same as authorization.credentials_file with type Bearer."),
  tls_config: tlsConfigSchema.prefault({}).describe("TLS settings for https connections."),
};

/** `oauth2`, for the schemas whose client can ask for tokens (scrape configs). */
export const oauth2Field = {
  oauth2: oauth2Schema
    .optional()
    .describe("OAuth 2.0 client credentials: a token from `token_url`, sent as a bearer token."),
};

type HttpClientInput = {
  basic_auth?: unknown;
  authorization?: unknown;
  oauth2?: unknown;
  bearer_token?: string;
  bearer_token_file?: string;
};

/** Adds an issue for each combination of authentication settings that Prometheus refuses. */
export function checkHttpClient(config: HttpClientInput, ctx: z.RefinementCtx): void {
  const clash = (field: string, other: string) =>
    ctx.addIssue({
      code: "custom",
      path: [field],
      message: `${field} cannot be used together with ${other}`,
    });
  exclusive(ctx, config, ["bearer_token", "bearer_token_file"]);
  const legacy = isSet(config.bearer_token) ? "bearer_token" : "bearer_token_file";
  const hasLegacy = isSet(config.bearer_token) || isSet(config.bearer_token_file);
  if (hasLegacy && config.authorization !== undefined) clash(legacy, "authorization");
  else if (hasLegacy && config.basic_auth !== undefined) clash(legacy, "basic_auth");
  if (config.authorization !== undefined && config.basic_auth !== undefined) {
    clash("authorization", "basic_auth");
  }
  if (config.oauth2 !== undefined) {
    const other = (["basic_auth", "authorization"] as const).find((f) => config[f] !== undefined);
    if (other) clash("oauth2", other);
    else if (hasLegacy) clash("oauth2", legacy);
  }
}

/** The HTTP client settings after loading: legacy bearer tokens folded into `authorization`, file paths absolute. */
export interface HttpClientConfig {
  basic_auth?: z.output<typeof basicAuthSchema>;
  authorization?: z.output<typeof authorizationSchema>;
  oauth2?: OAuth2Config;
  tls_config: z.output<typeof tlsConfigSchema>;
}

/**
 * Normalises validated HTTP client fields the way Prometheus does: `bearer_token(_file)`
 * becomes `authorization` of type Bearer, and relative files resolve against `baseDir`.
 */
export function normalizeHttpClient(
  config: HttpClientInput &
    Pick<HttpClientConfig, "basic_auth" | "authorization" | "tls_config" | "oauth2">,
  baseDir: string,
): HttpClientConfig {
  const out: HttpClientConfig = {
    tls_config: resolveFiles(config.tls_config, baseDir, ["ca_file", "cert_file", "key_file"]),
  };
  if (config.oauth2) {
    const oauth2 = resolveFiles(config.oauth2, baseDir, ["client_secret_file"]);
    const tls = resolveFiles(oauth2.tls_config, baseDir, ["ca_file", "cert_file", "key_file"]);
    out.oauth2 = { ...oauth2, tls_config: tls };
  }
  if (config.basic_auth)
    out.basic_auth = resolveFiles(config.basic_auth, baseDir, ["password_file"]);
  if (config.authorization) {
    out.authorization = resolveFiles(config.authorization, baseDir, ["credentials_file"]);
  } else if (isSet(config.bearer_token)) {
    out.authorization = { type: "Bearer", credentials: config.bearer_token };
  } else if (isSet(config.bearer_token_file)) {
    out.authorization = {
      type: "Bearer",
      credentials_file: resolvePath(baseDir, config.bearer_token_file!),
    };
  }
  return out;
}

/** Resolves a path against the config file's folder, as Prometheus does for every `*_file` setting. */
export function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function resolveFiles<T extends object>(
  value: T,
  baseDir: string,
  keys: ReadonlyArray<keyof T & string>,
): T {
  const out = { ...value };
  for (const key of keys) {
    const path = out[key];
    if (typeof path === "string")
      (out as Record<string, unknown>)[key] = resolvePath(baseDir, path);
  }
  return out;
}

/** Prometheus counts a setting as given only when it is not empty. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== "";
}

function exclusive(ctx: z.RefinementCtx, value: object, keys: readonly [string, string]): void {
  const [a, b] = keys;
  const record = value as Record<string, unknown>;
  if (isSet(record[a]) && isSet(record[b])) {
    ctx.addIssue({ code: "custom", path: [b], message: `${a} and ${b} cannot both be set` });
  }
}
