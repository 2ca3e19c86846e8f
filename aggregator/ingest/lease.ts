/**
 * A lease in NATS KV: at most one aggregator at a time does a cluster-wide chore (compaction
 * today, rule evaluation later). The holder renews it by writing again before it expires; a
 * holder that dies loses it once `ttlMs` has passed. Writes are compare-and-set on the key's
 * revision, so two aggregators racing for an expired lease cannot both win.
 */
import type { KV, NatsConnection } from "nats";
import { logger } from "../../shared/log/log.ts";
import { openKv } from "./kv.ts";

const log = logger("lease");
/** The bucket of leases, and of what only aggregators may read (message_ids.ts). */
export const LEASE_BUCKET = "OUTPOST_LEASES";
const BUCKET = LEASE_BUCKET;

interface Holder {
  holder: string;
  expires: number;
}

/** One named lease. */
export class Lease {
  private kv: Promise<KV> | null = null;
  private held = false;
  /** The key's revision after this holder's last write (0: none known). */
  private revision = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly name: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; false while another live holder has it (or NATS is away). */
  async acquire(now = Date.now()): Promise<boolean> {
    try {
      const kv = await this.bucket();
      const value = this.value(now + this.ttlMs);
      // A holder renews in one round trip: the write succeeds only if nobody wrote since its own.
      if (this.held && this.revision > 0) {
        const renewed = await kv.update(this.name, value, this.revision).catch(() => 0);
        if (renewed > 0) return this.note(true, renewed);
      }
      const entry = await kv.get(this.name);
      if (entry?.operation !== "PUT") return this.note(true, await kv.create(this.name, value));
      const current = JSON.parse(entry.string()) as Holder;
      if (current.holder !== this.holder && current.expires > now) return this.note(false);
      return this.note(true, await kv.update(this.name, value, entry.revision));
    } catch (err) {
      // Lost a race for the key, or NATS is away: someone else may hold it.
      log.debug("Cannot take the lease", { lease: this.name, error: String(err) });
      return this.note(false);
    }
  }

  /**
   * Gives the lease up (a clean stop): written as expired, so another takes it at its next try
   * instead of after the TTL. Only if nobody wrote since this holder's last write; a failure
   * leaves the lease to expire as after a crash.
   */
  async release(): Promise<void> {
    if (!this.held || this.revision === 0) return;
    const revision = this.revision;
    this.held = false;
    this.revision = 0;
    try {
      const kv = await this.bucket();
      await kv.update(this.name, this.value(0), revision);
      log.info("Lease given up", { lease: this.name });
    } catch (err) {
      log.debug("Cannot give the lease up: it expires after its TTL", {
        lease: this.name,
        error: String(err),
      });
    }
  }

  /** The key's value: this holder, until `expires`. */
  private value(expires: number): Uint8Array {
    return new TextEncoder().encode(
      JSON.stringify({ holder: this.holder, expires } satisfies Holder),
    );
  }

  private note(held: boolean, revision = 0): boolean {
    if (held !== this.held) log.info(held ? "Lease taken" : "Lease lost", { lease: this.name });
    this.held = held;
    this.revision = revision;
    return held;
  }

  private bucket(): Promise<KV> {
    this.kv ??= openKv(this.nc, BUCKET, 1).catch((err) => {
      this.kv = null;
      throw err;
    });
    return this.kv;
  }
}
