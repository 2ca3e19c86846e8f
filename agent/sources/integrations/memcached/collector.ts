import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { withTimeout } from "../timeout.ts";
import { MemcachedConnection, MemcachedReplyError } from "./text.ts";
import { MEMCACHED_UP, writeMemcached } from "./write.ts";

/** Where one memcached listens: `host:port` or a Unix socket path. */
export interface MemcachedTarget {
  address: string;
}

/**
 * memcached, collected as memcached_exporter does (`stats`, `stats settings`, `stats items`,
 * plus `stats slabs` for its per-slab families) over one kept text-protocol connection.
 */
export class MemcachedCollector implements IntegrationCollector {
  readonly kind = "memcached" as const;
  readonly up = MEMCACHED_UP;
  private conn: MemcachedConnection | null = null;

  constructor(private readonly target: MemcachedTarget) {}

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    this.conn ??= await MemcachedConnection.open(this.target.address, timeoutMs);
    const conn = this.conn;
    const run = (group: string) =>
      withTimeout(
        conn.stats(group),
        left(),
        `run stats ${group} on memcached at ${this.target.address}`.replace("  ", " "),
        timeoutMs,
      );
    const stats = await run("");
    const settings = await run("settings");
    const items = await run("items");
    const slabs = await run("slabs");
    writeMemcached(w, { stats, settings, items, slabs });
    return [];
  }

  refusal(err: unknown): string | null {
    // memcached started with -Y (ASCII authentication) refuses stats before a login.
    if (err instanceof MemcachedReplyError && /unauthenticated|auth/i.test(err.message))
      return `memcached at ${this.target.address} refused stats (${err.message}): it requires SASL or ASCII authentication, which the agent does not speak; allow the agent through a separate unauthenticated listener on 127.0.0.1 or a Unix socket and list it under integrations.memcached`;
    return null;
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.conn = null;
  }
}
