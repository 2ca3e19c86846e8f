/**
 * Message ids of the aggregators' own batches that no agent can predict. JetStream drops a
 * message whose `Nats-Msg-Id` it has seen within the stream's duplicate window, whatever its
 * subject; an agent may publish only on its own subject but picks its own ids. The ids of rule
 * output (group and evaluation time) and of alert history and audit batches (their records'
 * identities) are derived from what they hold, so that a second aggregator writing the same
 * is dropped: written plainly, an agent of one tenant could publish those ids first and so
 * silence another tenant's recording rules, ALERTS or history. The id on the wire is
 * therefore an HMAC of that logical id under a key the aggregators share and agents cannot
 * read: 32 random bytes kept in the lease bucket (agents' NATS users may not touch `$KV` or
 * `$JS.API`), made by the first aggregator to ask.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { KV, NatsConnection } from "nats";
import { openKv } from "./kv.ts";
import { LEASE_BUCKET } from "./lease.ts";

const KEY = "secret.message-ids";

/** The shared key: read from the bucket, or made there by the first to ask. */
export async function messageIdKey(nc: NatsConnection): Promise<Uint8Array> {
  const kv = await openKv(nc, LEASE_BUCKET, 1);
  const found = await stored(kv);
  if (found) return found;
  try {
    await kv.create(KEY, new TextEncoder().encode(randomBytes(32).toString("base64")));
  } catch {
    // Another aggregator made it first: read theirs below.
  }
  const made = await stored(kv);
  if (!made) throw new Error(`Cannot read the message id key ${KEY} from ${LEASE_BUCKET}`);
  return made;
}

async function stored(kv: KV): Promise<Uint8Array | null> {
  const entry = await kv.get(KEY);
  if (entry?.operation !== "PUT" || entry.length === 0) return null;
  return Buffer.from(entry.string(), "base64");
}

/**
 * The id of `logical` on the wire: its kind (up to the first `-`: `rules`, `history`,
 * `audit`), the tenant, and the HMAC of the whole.
 */
export function signedMessageId(key: Uint8Array, tenant: string, logical: string): string {
  const dash = logical.indexOf("-");
  const kind = dash > 0 ? logical.slice(0, dash) : "own";
  const mac = createHmac("sha256", key).update(logical).digest("hex").slice(0, 32);
  return `${kind}-${tenant}-${mac}`;
}

/**
 * The key of the connection `nc()` gives (none before it connects), read once and again only
 * after a read failed: what every publisher of one connection signs with.
 */
export function connectionKey(
  nc: () => NatsConnection | null | undefined,
): () => Promise<Uint8Array> {
  let key: Promise<Uint8Array> | null = null;
  return () => {
    const c = nc();
    if (!c)
      return Promise.reject(new Error("Cannot read the message id key: not connected to NATS"));
    key ??= messageIdKey(c).catch((err) => {
      key = null;
      throw err;
    });
    return key;
  };
}
