import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { withTimeout } from "../timeout.ts";
import { parseInfo } from "./info.ts";
import { RedisReplyError, type Reply, RespConnection } from "./resp.ts";
import { type RedisExtras, writeRedis } from "./write.ts";

/** How to reach and log in to one Redis server. */
export interface RedisTarget {
  address: string;
  username?: string;
  /** Read when connecting, so a rotated secret is picked up; never logged. */
  password?: () => Promise<string | undefined>;
}

/** The config values read besides INFO: the exported ones and `databases` (for db_keys). */
const CONFIG_NAMES = ["databases", "io-threads", "maxclients", "maxmemory"];

/** Redis, collected as redis_exporter 1.45 does over one kept connection. */
export class RedisCollector implements IntegrationCollector {
  readonly kind = "redis" as const;
  readonly up = { name: "redis_up", help: "Information about the Redis instance" };
  private conn: RespConnection | null = null;
  private opening: Promise<RespConnection> | null = null;

  constructor(private readonly target: RedisTarget) {}

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    const conn = this.conn ?? (await this.open(timeoutMs));
    const run = (args: string[]) =>
      withTimeout(
        conn.command(args),
        left(),
        `run ${args[0]} on Redis at ${this.target.address}`,
        timeoutMs,
      );
    const info = parseInfo(String(await run(["INFO", "ALL"])));
    const extras: RedisExtras = {
      config: await this.config(run),
      slowlogLength: await optional(run(["SLOWLOG", "LEN"]), (r) => Number(r)),
      slowlogLast: await optional(run(["SLOWLOG", "GET", "1"]), lastSlow),
      latency: (await optional(run(["LATENCY", "LATEST"]), latencyRows)) ?? [],
      nowSeconds: Date.now() / 1000,
    };
    writeRedis(w, info, extras);
    return [];
  }

  refusal(err: unknown): string | null {
    const text = err instanceof RedisReplyError ? err.message : "";
    if (/^(NOAUTH|WRONGPASS|NOPERM)/.test(text) || /invalid password|AUTH/i.test(text))
      return text.startsWith("NOPERM")
        ? `Redis at ${this.target.address} refused a command (${text}): allow the agent's user +info +config|get +slowlog +latency`
        : `Redis at ${this.target.address} refused the agent (${text}): set integrations.defaults.redis password_file or password_env (or list it under integrations.redis with its own)`;
    return null;
  }

  /** `CONFIG GET logfile` on the collector's connection: where the log is (logs.ts). */
  async logfile(timeoutMs: number): Promise<string> {
    const conn = this.conn ?? (await this.open(timeoutMs));
    const what = `run CONFIG GET logfile on Redis at ${this.target.address}`;
    const reply = await withTimeout(conn.command(["CONFIG", "GET", "logfile"]), timeoutMs, what);
    if (!Array.isArray(reply) || reply.length < 2) throw new Error(`Cannot ${what}: no reply`);
    return String(reply[1]);
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.conn = null;
  }

  /** One connection even when the first collection and logfile() both open it. */
  private open(timeoutMs: number): Promise<RespConnection> {
    this.opening ??= this.connect(timeoutMs).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async connect(timeoutMs: number): Promise<RespConnection> {
    const conn = await RespConnection.open(this.target.address, timeoutMs);
    try {
      const password = await this.target.password?.();
      if (password !== undefined) {
        const args = this.target.username
          ? ["AUTH", this.target.username, password]
          : ["AUTH", password];
        await withTimeout(
          conn.command(args),
          timeoutMs,
          `log in to Redis at ${this.target.address}`,
        );
      }
    } catch (err) {
      conn.close();
      throw err;
    }
    this.conn = conn;
    return conn;
  }

  /** CONFIG GET of the few values used; a server that refuses CONFIG still gets collected. */
  private async config(run: (a: string[]) => Promise<Reply>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const reply = await optional(run(["CONFIG", "GET", ...CONFIG_NAMES]), (r) => r);
    if (!Array.isArray(reply)) return out;
    for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
    return out;
  }
}

/** A reply the collection can do without: an error reply yields null; a dead connection throws. */
async function optional<T>(p: Promise<Reply>, map: (r: Reply) => T): Promise<T | null> {
  try {
    return map(await p);
  } catch (err) {
    if (err instanceof RedisReplyError) return null;
    throw err;
  }
}

/** SLOWLOG GET 1: `[[id, unix time, µs, [args…], …]]`. */
function lastSlow(r: Reply): { id: number; micros: number } | null {
  const entry = Array.isArray(r) ? r[0] : null;
  if (!Array.isArray(entry)) return null;
  return { id: Number(entry[0]), micros: Number(entry[2]) };
}

/** LATENCY LATEST: `[[event, last unix time, last ms, max ms], …]`. */
function latencyRows(r: Reply): { event: string; last: number; ms: number }[] {
  if (!Array.isArray(r)) return [];
  return r.filter(Array.isArray).map((row) => {
    const [event, last, ms] = row as Reply[];
    return { event: String(event), last: Number(last), ms: Number(ms) };
  });
}
