/**
 * A minimal memcached text-protocol connection for the `stats` commands: one command at a
 * time, its `STAT name value` lines read up to `END`. An `ERROR` / `CLIENT_ERROR` /
 * `SERVER_ERROR` line rejects with the server's own words.
 */
import type { Socket } from "bun";
import { connectWithin } from "../socket.ts";

/** An error line from memcached (`CLIENT_ERROR unauthenticated`): the server's words. */
export class MemcachedReplyError extends Error {
  override name = "MemcachedReplyError";
}

/** A reply larger than this is refused: `stats items` of 64 slab classes is ~40 KiB. */
const MAX_REPLY_BYTES = 4 << 20;

interface Pending {
  resolve(stats: Map<string, string>): void;
  reject(e: Error): void;
}

/** One open connection to a memcached server. */
export class MemcachedConnection {
  private buf = "";
  private pending: Pending | null = null;
  private closedError: Error | null = null;
  private constructor(private readonly socket: Socket<undefined>) {}

  /** Connects to `host:port` or a Unix socket path, failing after `timeoutMs`. */
  static async open(address: string, timeoutMs: number): Promise<MemcachedConnection> {
    let conn: MemcachedConnection | null = null;
    const handlers = {
      data: (_s: Socket<undefined>, chunk: Buffer) => conn?.onData(chunk),
      close: () => conn?.fail(new Error("the server closed the connection")),
      error: (_s: Socket<undefined>, e: Error) => conn?.fail(e),
    };
    const socket = await connectWithin(address, handlers, timeoutMs);
    conn = new MemcachedConnection(socket);
    return conn;
  }

  /** Runs `stats [group]` and returns its `STAT` lines as name → value. */
  stats(group = ""): Promise<Map<string, string>> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.pending) return Promise.reject(new Error("Cannot run two stats commands at once"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(group === "" ? "stats\r\n" : `stats ${group}\r\n`);
    });
  }

  /** Closes the connection; a pending command rejects. */
  close(): void {
    this.fail(new Error("the connection was closed"));
    this.socket.end();
  }

  private fail(e: Error): void {
    this.closedError ??= e;
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf += chunk.toString("latin1");
    if (this.buf.length > MAX_REPLY_BYTES) {
      this.fail(new Error(`Cannot read a stats reply: larger than ${MAX_REPLY_BYTES} bytes`));
      this.socket.end();
      return;
    }
    const reply = takeReply(this.buf);
    if (reply === null) return;
    this.buf = this.buf.slice(reply.end);
    const p = this.pending;
    this.pending = null;
    if (reply.error) p?.reject(new MemcachedReplyError(reply.error));
    else p?.resolve(reply.stats);
  }
}

/** One complete reply at the start of `text`, or null while it is incomplete. */
export function takeReply(
  text: string,
): { stats: Map<string, string>; error: string | null; end: number } | null {
  const stats = new Map<string, string>();
  let at = 0;
  for (;;) {
    const eol = text.indexOf("\r\n", at);
    if (eol < 0) return null;
    const line = text.slice(at, eol);
    at = eol + 2;
    if (line === "END") return { stats, error: null, end: at };
    if (/^(ERROR|CLIENT_ERROR|SERVER_ERROR)\b/.test(line)) return { stats, error: line, end: at };
    if (!line.startsWith("STAT ")) continue;
    const space = line.indexOf(" ", 5);
    if (space > 0) stats.set(line.slice(5, space), line.slice(space + 1));
  }
}
