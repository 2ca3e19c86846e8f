/**
 * Users, API tokens and sessions as stored in their KV buckets: JSON, times in Unix ms.
 * Reading checks every field, so a stray value in a bucket is refused (and counted by the
 * store) instead of granting something.
 */
import { isRole, type Role } from "./roles.ts";
import { DEFAULT_TENANT } from "./tenants.ts";

/** A user: who logs in with a password. */
export interface UserRecord {
  readonly name: string;
  readonly role: Role;
  /** argon2id, in PHC string form (Bun.password). */
  readonly passwordHash: string;
  readonly createdAt: number;
  /** The tenants the user may see (`*`: all); records written before tenants read as ["default"]. */
  readonly tenants: readonly string[];
}

/** An API token; the secret itself is never stored, only its SHA-256 (the key). */
export interface TokenRecord {
  /** Public id (the hash's first 16 hex digits): what list and revoke name it by. */
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly role: Role;
  readonly createdAt: number;
  /** 0: never expires. */
  readonly expiresAt: number;
  /** 0: never used. */
  readonly lastUsedAt: number;
  /** The tenants it may see, within its owner's; records written before tenants read as ["default"]. */
  readonly tenants: readonly string[];
  /**
   * Its owner's `createdAt` when it was made: a user of the same name added after the owner
   * was removed does not own it. Absent in records written before it.
   */
  readonly ownerCreatedAt?: number;
}

/** A browser session, stored under the SHA-256 of its cookie value. */
export interface SessionRecord {
  readonly user: string;
  /** The CSRF token its state-changing requests must send as `X-CSRF-Token`. */
  readonly csrf: string;
  readonly createdAt: number;
  /** The absolute end. */
  readonly expiresAt: number;
  /** Last request seen (written at most once a minute): the idle timeout counts from it. */
  readonly lastSeenAt: number;
}

/** User names: what a KV key may hold, so the name is the key. */
export const USER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Stored bytes of any record. */
export function encodeRecord(r: UserRecord | TokenRecord | SessionRecord): Uint8Array {
  return encoder.encode(JSON.stringify(r));
}

type Fields = Record<string, unknown>;

function parse(bytes: Uint8Array, what: string): Fields {
  const o: unknown = JSON.parse(decoder.decode(bytes));
  if (typeof o !== "object" || o === null)
    throw new TypeError(`Cannot read a ${what}: not an object`);
  return o as Fields;
}

function str(o: Fields, k: string, what: string): string {
  if (typeof o[k] !== "string" || o[k] === "")
    throw new TypeError(`Cannot read a ${what}: ${k} is not a non-empty string`);
  return o[k] as string;
}

function num(o: Fields, k: string, what: string): number {
  if (typeof o[k] !== "number" || !Number.isFinite(o[k]))
    throw new TypeError(`Cannot read a ${what}: ${k} is not a number`);
  return o[k] as number;
}

function role(o: Fields, what: string): Role {
  if (!isRole(o.role)) throw new TypeError(`Cannot read a ${what}: role is not a role`);
  return o.role;
}

/** The tenant list of a record; absent (a record older than tenants) is ["default"]. */
function tenants(o: Fields, what: string): readonly string[] {
  if (o.tenants === undefined) return [DEFAULT_TENANT];
  const t = o.tenants;
  if (!Array.isArray(t) || t.length === 0 || t.some((x) => typeof x !== "string" || x === ""))
    throw new TypeError(`Cannot read a ${what}: tenants is not a list of names`);
  return t as string[];
}

/** Reads a user; throws a TypeError naming the field. */
export function decodeUser(bytes: Uint8Array): UserRecord {
  const o = parse(bytes, "user");
  return {
    name: str(o, "name", "user"),
    role: role(o, "user"),
    passwordHash: str(o, "passwordHash", "user"),
    createdAt: num(o, "createdAt", "user"),
    tenants: tenants(o, "user"),
  };
}

/** Reads a token; throws a TypeError naming the field. */
export function decodeToken(bytes: Uint8Array): TokenRecord {
  const o = parse(bytes, "token");
  return {
    id: str(o, "id", "token"),
    name: str(o, "name", "token"),
    owner: str(o, "owner", "token"),
    role: role(o, "token"),
    createdAt: num(o, "createdAt", "token"),
    expiresAt: num(o, "expiresAt", "token"),
    lastUsedAt: num(o, "lastUsedAt", "token"),
    tenants: tenants(o, "token"),
    ...(o.ownerCreatedAt === undefined
      ? {}
      : { ownerCreatedAt: num(o, "ownerCreatedAt", "token") }),
  };
}

/** Reads a session; throws a TypeError naming the field. */
export function decodeSession(bytes: Uint8Array): SessionRecord {
  const o = parse(bytes, "session");
  return {
    user: str(o, "user", "session"),
    csrf: str(o, "csrf", "session"),
    createdAt: num(o, "createdAt", "session"),
    expiresAt: num(o, "expiresAt", "session"),
    lastSeenAt: num(o, "lastSeenAt", "session"),
  };
}
