/**
 * The secrets of authentication: API tokens and session ids are 32 random bytes; only their
 * SHA-256 is stored, so a reader of the KV buckets cannot use what it reads, and a lookup is
 * one hash and one map get.
 */
import { timingSafeEqual } from "node:crypto";

/** What every API token starts with, so scanners and people recognise one. */
export const TOKEN_PREFIX = "opt_";

function randomBase64url(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/** A new API token's secret: `opt_` and 32 random bytes in base64url. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBase64url();
}

/** A new session id (the cookie's value) or CSRF token. */
export function newSessionSecret(): string {
  return randomBase64url();
}

/** The SHA-256 of a secret, in hex: the key it is stored under. */
export function hashSecret(secret: string): string {
  return Bun.SHA256.hash(secret, "hex");
}

/** Compares two strings in time that depends only on their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A random password for a bootstrap admin: 24 base64url characters. */
export function newPassword(): string {
  return randomBase64url().slice(0, 24);
}
