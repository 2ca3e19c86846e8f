/**
 * Users, API tokens and sessions shared by every aggregator through three KV buckets, each
 * mirrored in memory (mirror.ts): a token check is one SHA-256 and one map get, and a change
 * made on any aggregator reaches the others through the watch.
 */
import type { Registry } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import { KvMirror } from "../ingest/kv_mirror.ts";
import { AuthError } from "./errors.ts";
import {
  decodeSession,
  decodeToken,
  decodeUser,
  encodeRecord,
  type SessionRecord,
  type TokenRecord,
  USER_NAME,
  type UserRecord,
} from "./records.ts";
import { isRole, lowerRole, type Principal, type Role } from "./roles.ts";
import { hashSecret, newTokenSecret } from "./secrets.ts";
import { Sessions } from "./sessions.ts";
import { ALL_TENANTS, checkTenantList, DEFAULT_TENANT, tenantsWithin } from "./tenants.ts";

/** The buckets. */
export const USERS_BUCKET = "OUTPOST_USERS";
export const TOKENS_BUCKET = "OUTPOST_TOKENS";
export const SESSIONS_BUCKET = "OUTPOST_SESSIONS";

/** Last-used times are written at most this often per token. */
export const LAST_USED_EVERY_MS = 60_000;

/** Opens a KV bucket by name. */
export type KvOpener = (bucket: string) => KeyValueStore;

/** Options of {@link AuthStore}. */
export interface AuthStoreOptions {
  readonly kv: KvOpener;
  readonly registry?: Registry;
  readonly now?: () => number;
  readonly sessionTtlMs?: number;
  readonly sessionIdleMs?: number;
  /** Sees each change of a user or token after loading, whoever made it (the audit log). */
  readonly observer?: AuthObserver;
}

/** What sees the changes of users and tokens (undefined: absent before, or deleted). */
export interface AuthObserver {
  user(before: UserRecord | undefined, after: UserRecord | undefined): void;
  token(before: TokenRecord | undefined, after: TokenRecord | undefined): void;
}

/** A token to create. */
export interface NewToken {
  readonly name: string;
  readonly owner: string;
  /** At most the owner's role; the owner's when absent. */
  readonly role?: Role;
  /** 0 or absent: never expires. */
  readonly ttlMs?: number;
  /** Within the owner's; the owner's when absent or empty. */
  readonly tenants?: readonly string[];
}

/** The users, tokens and sessions of every aggregator on one NATS. */
export class AuthStore {
  readonly sessions: Sessions;
  private readonly users: KvMirror<UserRecord>;
  private readonly tokens: KvMirror<TokenRecord>;
  private readonly now: () => number;
  private started = false;

  constructor(opts: AuthStoreOptions) {
    this.now = opts.now ?? Date.now;
    const bad = opts.registry?.counter(
      "outpost_auth_undecodable_total",
      "Values in the auth buckets that could not be read, and were ignored.",
      ["bucket"],
    );
    const o = opts.observer;
    const read = { encode: encodeRecord, component: "auth", undecodable: bad };
    this.users = new KvMirror<UserRecord>(opts.kv(USERS_BUCKET), USERS_BUCKET, {
      ...read,
      decode: decodeUser,
      observe: (_k, b, a) => o?.user(b, a),
    });
    this.tokens = new KvMirror<TokenRecord>(opts.kv(TOKENS_BUCKET), TOKENS_BUCKET, {
      ...read,
      decode: decodeToken,
      observe: (_k, b, a) => o?.token(b, a),
    });
    const mirror = new KvMirror<SessionRecord>(opts.kv(SESSIONS_BUCKET), SESSIONS_BUCKET, {
      ...read,
      decode: decodeSession,
    });
    this.sessions = new Sessions(mirror, (name) => this.principalOf(name, "session"), {
      now: this.now,
      ttlMs: opts.sessionTtlMs,
      idleMs: opts.sessionIdleMs,
    });
  }

  /** True once every bucket is loaded: until then no request can be authenticated. */
  get ready(): boolean {
    return this.started;
  }

  /** Loads the three buckets and follows them. */
  async start(signal?: AbortSignal): Promise<void> {
    await Promise.all([
      this.users.start(signal),
      this.tokens.start(signal),
      this.sessions.start(signal),
    ]);
    this.started = true;
  }

  /** Stops following the buckets. */
  stop(): void {
    this.users.stop();
    this.tokens.stop();
    this.sessions.stop();
  }

  /** Every user, by name. */
  listUsers(): UserRecord[] {
    return [...this.users.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The user of this name, if any. */
  user(name: string): UserRecord | undefined {
    return this.users.entries.get(name);
  }

  /** Adds a user; throws an AuthError for a bad name, role, tenant or password, or a taken name. */
  async addUser(
    name: string,
    role: Role,
    password: string,
    tenants: readonly string[] = [DEFAULT_TENANT],
  ): Promise<UserRecord> {
    if (!USER_NAME.test(name))
      throw new AuthError(
        "invalid",
        `Cannot add user "${name}": name must be 1-64 of A-Z a-z 0-9 _ . -`,
      );
    checkRole(role);
    const granted = tenantList(tenants, `user "${name}"`);
    if (this.users.entries.has(name))
      throw new AuthError("exists", `Cannot add user "${name}": it exists`);
    const passwordHash = await hashPassword(password);
    const user = { name, role, passwordHash, createdAt: this.now(), tenants: granted };
    // Not over a user of this name added meanwhile on another aggregator.
    if (!(await this.users.create(name, user)))
      throw new AuthError("exists", `Cannot add user "${name}": it exists`);
    return user;
  }

  /** Sets the tenants a user may see; their tokens are capped at them from the next request. */
  async setTenants(name: string, tenants: readonly string[]): Promise<UserRecord> {
    const granted = tenantList(tenants, `user "${name}"`);
    return this.changeUser(name, (u) => ({ ...u, tenants: granted }));
  }

  /** Changes a user's role; their tokens are capped at it from the next request. */
  async setRole(name: string, role: Role): Promise<UserRecord> {
    checkRole(role);
    return this.changeUser(name, (u) => ({ ...u, role }));
  }

  /** Sets a user's password and ends their sessions. */
  async setPassword(name: string, password: string): Promise<void> {
    this.mustUser(name);
    const passwordHash = await hashPassword(password);
    await this.changeUser(name, (u) => ({ ...u, passwordHash }));
    await this.sessions.endAll(name);
  }

  /** Removes a user, their tokens and their sessions. */
  async removeUser(name: string): Promise<void> {
    this.mustUser(name);
    for (const [key, t] of this.tokens.entries) if (t.owner === name) await this.tokens.delete(key);
    await this.sessions.endAll(name);
    await this.users.delete(name);
  }

  /** The user's principal when the password is theirs, else null (in the same time either way). */
  async checkPassword(name: string, password: string): Promise<Principal | null> {
    const user = this.users.entries.get(name);
    // An unknown user costs a verification too, so timing does not tell which names exist.
    const ok = await Bun.password.verify(password, user?.passwordHash ?? (await dummyHash()));
    return ok && user ? this.principalOf(user.name, "password") : null;
  }

  /** Every token (without secrets), by owner and name. */
  listTokens(): TokenRecord[] {
    return [...this.tokens.entries.values()].sort(
      (a, b) => a.owner.localeCompare(b.owner) || a.name.localeCompare(b.name),
    );
  }

  /** Creates a token for an existing owner; returns it with its secret, which is kept nowhere. */
  async createToken(t: NewToken): Promise<{ token: TokenRecord; secret: string }> {
    const owner = this.mustUser(t.owner);
    if (t.name === "" || t.name.length > 128)
      throw new AuthError("invalid", "Cannot create a token: name must be 1-128 characters");
    const role = t.role ?? owner.role;
    checkRole(role);
    if (lowerRole(role, owner.role) !== role)
      throw new AuthError(
        "invalid",
        `Cannot create a token: role ${role} is above its owner's (${owner.role})`,
      );
    const tenants = t.tenants?.length ? tenantList(t.tenants, "a token") : owner.tenants;
    if (!tenantsWithin(tenants, owner.tenants))
      throw new AuthError(
        "invalid",
        `Cannot create a token: its tenants must be within its owner's (${owner.tenants.join(",")})`,
      );
    if (t.ttlMs !== undefined && (!Number.isFinite(t.ttlMs) || t.ttlMs < 0))
      throw new AuthError("invalid", "Cannot create a token: ttl must be 0 or positive");
    const secret = newTokenSecret();
    const key = hashSecret(secret);
    const now = this.now();
    const expiresAt = t.ttlMs ? now + t.ttlMs : 0;
    const token = {
      id: key.slice(0, 16),
      name: t.name,
      owner: t.owner,
      role,
      createdAt: now,
      expiresAt,
      lastUsedAt: 0,
      tenants,
      ownerCreatedAt: owner.createdAt,
    };
    await this.tokens.put(key, token);
    return { token, secret };
  }

  /** Revokes the token with this public id. */
  async revokeToken(id: string): Promise<TokenRecord> {
    for (const [key, t] of this.tokens.entries) {
      if (t.id !== id) continue;
      await this.tokens.delete(key);
      return t;
    }
    throw new AuthError("not_found", `Cannot revoke token ${JSON.stringify(id)}: no such token`);
  }

  /**
   * The principal of an API token's secret, or null when it is unknown, revoked, expired or
   * its owner is gone. The hot path of every request: one hash, two map gets. A secret this
   * aggregator does not know may be a token made on another one a moment ago: it is read from
   * the bucket when `mayRead()` allows, as a session's cookie is (sessions.ts). With `touch`
   * false (a stream's re-check) its last use is not moved.
   */
  async checkToken(
    secret: string,
    mayRead: () => boolean = () => false,
    touch = true,
  ): Promise<Principal | null> {
    const key = hashSecret(secret);
    const t =
      this.tokens.entries.get(key) ?? (mayRead() ? await this.tokens.lookUp(key) : undefined);
    if (t === undefined) return null;
    const now = this.now();
    if (t.expiresAt !== 0 && now >= t.expiresAt) return null;
    const owner = this.users.entries.get(t.owner);
    if (owner === undefined) return null;
    // A token made for a user removed meanwhile (on another aggregator) is not the next one's.
    if (t.ownerCreatedAt !== undefined && t.ownerCreatedAt !== owner.createdAt) return null;
    if (touch && now - t.lastUsedAt >= LAST_USED_EVERY_MS) this.touchToken(key, t, now);
    return {
      user: t.owner,
      role: lowerRole(t.role, owner.role),
      tenants: cappedTenants(t.tenants, owner.tenants),
      method: "token",
      token: { id: t.id, name: t.name },
    };
  }

  /** The principal of a user, as of now, or null when the user is gone. */
  principalOf(name: string, method: Principal["method"]): Principal | null {
    const user = this.users.entries.get(name);
    return user ? { user: user.name, role: user.role, tenants: user.tenants, method } : null;
  }

  private touchToken(key: string, t: TokenRecord, now: number): void {
    const next = { ...t, lastUsedAt: now };
    this.tokens.touch(key, next, `token ${t.id}'s last use`);
  }

  private mustUser(name: string): UserRecord {
    const user = this.users.entries.get(name);
    if (!user) throw new AuthError("not_found", `Cannot find user "${name}"`);
    return user;
  }

  /**
   * Changes a user as `edit` makes it from their current record, never over another
   * aggregator's change made meanwhile (a removal, a new role): `edit` runs again on that.
   */
  private async changeUser(
    name: string,
    edit: (user: UserRecord) => UserRecord,
  ): Promise<UserRecord> {
    this.mustUser(name);
    const changed = await this.users.change(name, edit);
    if (changed === null) throw new AuthError("not_found", `Cannot find user "${name}"`);
    return changed;
  }
}

/** A token's tenants as of now: those its owner still has (an owner's `*` keeps them all). */
function cappedTenants(token: readonly string[], owner: readonly string[]): readonly string[] {
  if (owner.includes(ALL_TENANTS)) return token;
  const kept = token.filter((t) => owner.includes(t));
  return kept.length === token.length ? token : kept;
}

function tenantList(tenants: readonly string[], what: string): readonly string[] {
  try {
    return checkTenantList(tenants, what);
  } catch (err) {
    throw new AuthError("invalid", (err as Error).message);
  }
}

function checkRole(role: unknown): asserts role is Role {
  if (!isRole(role))
    throw new AuthError(
      "invalid",
      `Cannot use role ${JSON.stringify(role)}: expected viewer, editor or admin`,
    );
}

/** argon2id with Bun's defaults (64 MiB, 2 passes); refuses passwords shorter than 8. */
async function hashPassword(password: string): Promise<string> {
  if (password.length < 8)
    throw new AuthError("invalid", "Cannot set the password: it must have at least 8 characters");
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

let dummy: Promise<string> | null = null;
/** A hash no password matches, verified for unknown users. */
function dummyHash(): Promise<string> {
  dummy ??= Bun.password.hash(crypto.randomUUID(), { algorithm: "argon2id" });
  return dummy;
}
