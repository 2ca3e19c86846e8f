/**
 * NATS user nkeys: the credentials `outpost up` and `outpost agent enroll` issue. nats-server's
 * config lists only the public key of each user; the seed (the secret) stays in a 0600 file on
 * the client's side and never crosses the wire (the server sends a nonce the client signs).
 */

import { readFileSync } from "node:fs";
import { type Authenticator, nkeyAuthenticator, nkeys } from "nats";

/** A new user key pair: the seed the client keeps, the public key the server lists. */
export function newUserKey(): { seed: string; publicKey: string } {
  const pair = nkeys.createUser();
  return { seed: new TextDecoder().decode(pair.getSeed()), publicKey: pair.getPublicKey() };
}

/** The public key of a user seed; throws a TypeError naming `where` when it is not one. */
export function publicKeyOf(seed: string, where: string): string {
  try {
    const pair = nkeys.fromSeed(new TextEncoder().encode(seed.trim()));
    return pair.getPublicKey();
  } catch (err) {
    throw new TypeError(`Cannot read the nkey seed in ${where}: ${(err as Error).message}`);
  }
}

/** Authenticates with the seed in `file`, read on every connect so a rotated key is picked up. */
export function nkeyFileAuthenticator(file: string): Authenticator {
  return nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(file, "utf8").trim()));
}
