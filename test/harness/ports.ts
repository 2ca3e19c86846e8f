/**
 * Free TCP ports for test servers. The port is only known to be free at the moment it is
 * returned; callers start their server right away to keep the race window small.
 *
 * Taken below the kernel's ephemeral range (32768–60999 by default), at random: a port the
 * kernel hands out for port 0 comes from the same range as every outgoing connection's local
 * port, and with two shards of tests connecting to their services a port found free was once
 * taken by someone's connection before `outpost up` bound it ("Failed to start server. Is port
 * … in use?").
 */
import { bindPort } from "../../cli/natsd.ts";

const LOW = 20_000;
const HIGH = 32_767;

/** A port free on 127.0.0.1, outside the ephemeral range when one is found there. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    try {
      return await bindPort(LOW + Math.floor(Math.random() * (HIGH - LOW + 1)));
    } catch {
      // Taken: try another.
    }
  }
  return bindPort(0);
}
