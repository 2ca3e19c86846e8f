/**
 * The NATS connection settings that the agent and the aggregator share: server URLs and
 * authentication. Each program adds its own fields (stream, subjects, consumer) around them.
 */
import { z } from "zod";
import { filePath } from "./fields.ts";
import { resolvePath } from "./http.ts";
import { isListenAddress } from "./listen.ts";

function isNatsUrl(text: string): boolean {
  if (!text.includes("://")) return isListenAddress(text) && !text.startsWith(":");
  try {
    return ["nats:", "tls:", "ws:", "wss:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

const natsTlsSchema = z
  .object({
    ca_file: filePath().optional().describe("CA certificate(s) to verify the NATS server with."),
    cert_file: filePath()
      .optional()
      .describe("Client certificate for mutual TLS; needs `key_file`."),
    key_file: filePath()
      .optional()
      .describe("Private key of the client certificate; needs `cert_file`."),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      const path = tls.cert_file === undefined ? "key_file" : "cert_file";
      ctx.addIssue({ code: "custom", path: [path], message: "cert_file and key_file go together" });
    }
  });

const natsUrl = z.string().refine(isNatsUrl, {
  error:
    'expected a NATS server address such as "nats://host:4222", "tls://host:4222" or "host:4222"',
});

/** The zod fields of a NATS connection, to spread into a program's `nats` section. */
export const natsConnectionFields = {
  url: z
    .union([natsUrl, z.array(natsUrl).min(1)])
    .transform((url) => [url].flat())
    .prefault("nats://127.0.0.1:4222")
    .describe(
      "NATS server URL, or a list of URLs of one cluster (the client picks one and fails over).",
    ),
  user: z.string().optional().describe("User name for NATS authentication; needs `password`."),
  password: z.string().optional().describe("Password for `user`."),
  token: z.string().optional().describe("Token for NATS token authentication."),
  creds_file: filePath()
    .optional()
    .describe("NATS credentials file (JWT and NKey seed), as issued by nsc."),
  nkey_file: filePath()
    .optional()
    .describe(
      "File holding a user nkey seed (`SU…`), as `outpost agent enroll` and `outpost up` write it (docs/auth.md, Agents and NATS).",
    ),
  tls: natsTlsSchema
    .optional()
    .describe("TLS settings; needed when the server requires TLS or client certificates."),
};

/** A loaded NATS connection: URLs, and authentication with absolute file paths. */
export interface NatsConnectionConfig {
  url: string[];
  user?: string;
  password?: string;
  token?: string;
  creds_file?: string;
  nkey_file?: string;
  tls?: { ca_file?: string; cert_file?: string; key_file?: string };
}

/** Checks that at most one authentication method is configured, and user with password. */
export function checkNatsAuth(nats: Omit<NatsConnectionConfig, "url">, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: "custom", path: [path], message });
  if (nats.user !== undefined && nats.password === undefined)
    issue("user", "user needs password as well");
  if (nats.password !== undefined && nats.user === undefined)
    issue("password", "password needs user as well");
  const methods = [
    nats.user !== undefined,
    nats.token !== undefined,
    nats.creds_file !== undefined,
    nats.nkey_file !== undefined,
  ];
  if (methods.filter(Boolean).length > 1) {
    issue(
      nats.token !== undefined
        ? "token"
        : nats.creds_file !== undefined
          ? "creds_file"
          : "nkey_file",
      "use only one of user/password, token, creds_file and nkey_file",
    );
  }
}

/** Resolves the credentials and TLS file paths of a NATS section against `baseDir`. */
export function resolveNatsFiles<T extends NatsConnectionConfig>(nats: T, baseDir: string): T {
  const out = { ...nats };
  if (nats.creds_file !== undefined) out.creds_file = resolvePath(baseDir, nats.creds_file);
  if (nats.nkey_file !== undefined) out.nkey_file = resolvePath(baseDir, nats.nkey_file);
  if (nats.tls !== undefined) {
    const tls: NonNullable<NatsConnectionConfig["tls"]> = {};
    for (const key of ["ca_file", "cert_file", "key_file"] as const) {
      const path = nats.tls[key];
      if (path !== undefined) tls[key] = resolvePath(baseDir, path);
    }
    out.tls = tls;
  }
  return out;
}
