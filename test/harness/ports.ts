/**
 * Free TCP ports for test servers. The port is only known to be free at the moment it is
 * returned; callers start their server right away to keep the race window small.
 *
 * Taken below the kernel's ephemeral range (32768–60999 by default), at random: a port the
 * kernel hands out for port 0 comes from the same range as every outgoing connection's local
 * port, and with two shards of tests connecting to their services a port found free was once
 * taken by someone's connection before `outpost up` bound it ("Failed to start server. Is port
 * … in use?").
 *
 * Two more races remained, and CI met one (an aggregator's port 29200 taken between the check
 * and its listen): the other shard picking the same port in the same moment, and a caller in
 * this process asking twice before it binds the first (haproxy's harness takes four at once).
 * So each shard draws from its own slice of the range (`make test` names the shard in
 * OUTPOST_TEST_SHARD / OUTPOST_TEST_SHARDS), and a port handed out here is not handed out again
 * for REUSE_AFTER_MS.
 */
import { bindPort } from "../../cli/natsd.ts";

const LOW = 20_000;
const HIGH = 32_767;
const REUSE_AFTER_MS = 10 * 60_000;

/** The ports this process may draw from: the whole range, or its shard's slice of it. */
export function portRange(env: Record<string, string | undefined> = process.env): {
  low: number;
  high: number;
} {
  const shards = Number(env.OUTPOST_TEST_SHARDS ?? 1);
  const shard = Number(env.OUTPOST_TEST_SHARD ?? 0);
  const valid = Number.isInteger(shards) && Number.isInteger(shard) && shard >= 0 && shard < shards;
  if (!valid) return { low: LOW, high: HIGH };
  const span = Math.floor((HIGH - LOW + 1) / shards);
  return { low: LOW + shard * span, high: LOW + (shard + 1) * span - 1 };
}

const handedOut = new Map<number, number>();

function recentlyHandedOut(port: number, now: number): boolean {
  const at = handedOut.get(port);
  return at !== undefined && now - at < REUSE_AFTER_MS;
}

/** A port free on 127.0.0.1, outside the ephemeral range when one is found there. */
export async function freePort(): Promise<number> {
  const { low, high } = portRange();
  for (let i = 0; i < 40; i++) {
    const candidate = low + Math.floor(Math.random() * (high - low + 1));
    const now = Date.now();
    if (recentlyHandedOut(candidate, now)) continue;
    // Reserved before the check, so a second call while this one awaits cannot draw it too.
    handedOut.set(candidate, now);
    try {
      return await bindPort(candidate);
    } catch {
      handedOut.delete(candidate); // Taken by someone else: try another.
    }
  }
  return bindPort(0);
}
