/**
 * `outpost token create|list|revoke` and `outpost user add|list|passwd|remove`: users and API
 * tokens, written straight into NATS KV (the aggregators follow the buckets, so a change is in
 * force everywhere within seconds). NATS comes from an aggregator config, by default the one
 * `outpost up` writes (.data/aggregator.yaml). Secrets go to stdout once and nowhere else.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import { listingChanges } from "../aggregator/audit/auth_changes.ts";
import { publishAudit } from "../aggregator/audit/publish.ts";
import { isRole, type Role } from "../aggregator/auth/roles.ts";
import { newPassword } from "../aggregator/auth/secrets.ts";
import { AuthStore } from "../aggregator/auth/store.ts";
import { SYSTEM_TENANT } from "../aggregator/auth/tenants.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import type { AggregatorConfig } from "../aggregator/config/schema.ts";
import { connectKv, type KvConnection } from "../aggregator/ingest/connect.ts";
import { redactedUrl } from "../aggregator/notify/config/print.ts";
import { ConfigError } from "../shared/config/errors.ts";
import { parseDuration } from "../shared/config/units.ts";

const TOKEN_USAGE =
  "usage: outpost token create --name NAME [--owner USER] [--role ROLE] [--ttl 90d] [--tenant a,b] | list | revoke ID  [--config FILE]";
const USER_USAGE =
  "usage: outpost user add NAME [--role viewer|editor|admin] [--tenant a,b|*] [--password-stdin] | list | tenants NAME --tenant a,b | passwd NAME [--password-stdin] | remove NAME  [--config FILE]";

const OPTIONS = {
  config: { type: "string", default: ".data/aggregator.yaml" },
  name: { type: "string" },
  owner: { type: "string", default: "admin" },
  role: { type: "string" },
  ttl: { type: "string" },
  tenant: { type: "string" },
  "password-stdin": { type: "boolean", default: false },
} as const;

type Values = ReturnType<typeof parseFlags>["values"];
function parseFlags(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
}

/**
 * The flags, with those that need no server checked before anything connects: a mistake is
 * printed with the usage and is a usage error (exit 2).
 */
function parse(argv: string[], usage: string): ReturnType<typeof parseFlags> | number {
  try {
    const parsed = parseFlags(argv);
    roleOf(parsed.values.role);
    if (parsed.values.ttl !== undefined) parseDuration(parsed.values.ttl);
    return parsed;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
}

/**
 * Runs `work` on the store of the aggregators that `--config` names, then records what it
 * changed in the audit log with the OS user as actor (the aggregators see the same changes in
 * NATS KV, without an actor, under the same ids: this copy goes first).
 */
async function withStore(config: string, work: (s: AuthStore) => Promise<number>): Promise<number> {
  let c: AggregatorConfig;
  try {
    c = await loadAggregatorConfig(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    if (!existsSync(config))
      console.error(
        `(users and tokens are kept where an aggregator keeps them: pass --config with its config file, ${JSON.stringify(config)} by default, the one \`outpost up\` writes into its data dir)`,
      );
    return 2;
  }
  let conn: KvConnection;
  try {
    conn = await connectKv(c.nats, "outpost-cli");
  } catch (err) {
    const where = c.nats.url.map(redactedUrl).join(", ");
    console.error(`Cannot connect to NATS at ${where} (from ${config}): ${(err as Error).message}`);
    return 1;
  }
  const store = new AuthStore({ kv: (b) => conn.keyValue(b) });
  try {
    await store.start(AbortSignal.timeout(10_000));
    const before = { users: store.listUsers(), tokens: store.listTokens() };
    const code = await work(store);
    const changes = listingChanges(before, {
      users: store.listUsers(),
      tokens: store.listTokens(),
    });
    const who = {
      actor: { kind: "cli" as const, name: loginName() },
      source: `cli@${hostname()}`,
    };
    await publishAudit(
      conn.logPublisher(c.nats.subject_prefix),
      SYSTEM_TENANT,
      changes.map((ch) => ({ ...who, ...ch, outcome: "ok" as const })),
    ).catch((err) =>
      console.error(`Cannot record the change in the audit log: ${(err as Error).message}`),
    );
    return code;
  } catch (err) {
    // AuthError says what the store refused; anything else (NATS went away) in one line too.
    console.error((err as Error).message);
    return 1;
  } finally {
    store.stop();
    await conn.close();
  }
}

function roleOf(text: string | undefined, fallback?: Role): Role | undefined {
  if (text === undefined) return fallback;
  if (!isRole(text))
    throw new TypeError(`Cannot use role "${text}": expected viewer, editor or admin`);
  return text;
}

/** `--tenant a,b` as a list; undefined when not given. */
function tenantsOf(text: string | undefined): string[] | undefined {
  return text?.split(",").map((t) => t.trim());
}

const time = (ms: number) => (ms === 0 ? "-" : new Date(ms).toISOString());

/** `outpost token …`. */
export async function runToken(argv: string[]): Promise<number> {
  const parsed = parse(argv, TOKEN_USAGE);
  if (typeof parsed === "number") return parsed;
  const {
    values: v,
    positionals: [verb, id],
  } = parsed;
  if (verb === "create" && v.name) return withStore(v.config, (s) => createToken(s, v));
  if (verb === "list")
    return withStore(v.config, async (s) => {
      const head = ["ID", "NAME", "OWNER", "ROLE", "TENANTS", "EXPIRES", "LAST USED"];
      console.log(head.join("\t"));
      for (const t of s.listTokens())
        console.log(
          [t.id, t.name, t.owner, t.role, t.tenants.join(","), time(t.expiresAt)]
            .concat(time(t.lastUsedAt))
            .join("\t"),
        );
      return 0;
    });
  if (verb === "revoke" && id)
    return withStore(v.config, async (s) => {
      const t = await s.revokeToken(id);
      console.error(`revoked token ${t.id} (${t.name}, owner ${t.owner})`);
      return 0;
    });
  console.error(TOKEN_USAGE);
  return 2;
}

async function createToken(s: AuthStore, v: Values): Promise<number> {
  const ttlMs = v.ttl ? parseDuration(v.ttl) : 0;
  const made = await s.createToken({
    name: v.name ?? "",
    owner: v.owner,
    role: roleOf(v.role),
    ttlMs,
    tenants: tenantsOf(v.tenant),
  });
  console.error(`created token ${made.token.id} (${made.token.role}); its secret, shown once:`);
  console.log(made.secret);
  return 0;
}

/** `outpost user …`. */
export async function runUser(argv: string[]): Promise<number> {
  const parsed = parse(argv, USER_USAGE);
  if (typeof parsed === "number") return parsed;
  const {
    values: v,
    positionals: [verb, name],
  } = parsed;
  if (verb === "list")
    return withStore(v.config, async (s) => {
      for (const u of s.listUsers())
        console.log(`${u.name}\t${u.role}\t${u.tenants.join(",")}\t${time(u.createdAt)}`);
      return 0;
    });
  if (verb === "add" && name)
    return withStore(v.config, async (s) => {
      const [password, shown] = await passwordOf(v);
      await s.addUser(name, roleOf(v.role, "viewer")!, password, tenantsOf(v.tenant));
      if (shown) console.log(`user ${name}: password ${password} (shown once)`);
      return 0;
    });
  if (verb === "tenants" && name && v.tenant)
    return withStore(v.config, async (s) => {
      await s.setTenants(name, tenantsOf(v.tenant)!);
      return 0;
    });
  if (verb === "passwd" && name)
    return withStore(v.config, async (s) => {
      const [password, shown] = await passwordOf(v);
      await s.setPassword(name, password);
      if (shown) console.log(`user ${name}: password ${password} (shown once)`);
      return 0;
    });
  if (verb === "remove" && name)
    return withStore(v.config, async (s) => {
      await s.removeUser(name);
      return 0;
    });
  console.error(USER_USAGE);
  return 2;
}

/** The password from stdin's first line, or a new random one to show. */
async function passwordOf(v: Values): Promise<[password: string, show: boolean]> {
  if (!v["password-stdin"]) return [newPassword(), true];
  const text = await new Response(Bun.stdin.stream()).text();
  return [text.split("\n")[0], false];
}

/**
 * Who runs the CLI, for the audit log: Bun's userInfo() answers "unknown" when $USER is unset
 * (a service, `sudo -i`, a container), where Node reads the password file; so does this.
 */
export function loginName(passwd = "/etc/passwd"): string {
  const fromEnv = process.env.USER || process.env.LOGNAME;
  if (fromEnv) return fromEnv;
  const uid = String(process.getuid?.() ?? "");
  try {
    for (const line of readFileSync(passwd, "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (id === uid && name) return name;
    }
  } catch {
    // No password file: what the runtime says.
  }
  return userInfo().username;
}
