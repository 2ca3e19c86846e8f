/**
 * A minimal RESP2 connection: commands out, replies in order. Bun's RedisClient was tried
 * first (Bun 1.4.5): it reports a missing password (NOAUTH), a wrong one (WRONGPASS) and a
 * server that is down all as "Connection closed", so the agent could not say what to grant.
 * Here the server's own error text comes back, and a reply is parsed with no copy per field.
 */
import type { Socket } from "bun";
import { connectWithin } from "../socket.ts";

/** A RESP2 reply: status and bulk strings, integers, arrays, or null. Errors reject. */
export type Reply = string | number | null | Reply[];

/** An error reply from the server (`-ERR …`, `-NOAUTH …`): the server's words. */
export class RedisReplyError extends Error {
  override name = "RedisReplyError";
}

interface Pending {
  resolve(r: Reply): void;
  reject(e: Error): void;
}

export { socketTarget } from "../socket.ts";

/** One open connection to a Redis server. */
export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private readonly queue: Pending[] = [];
  private closedError: Error | null = null;
  private constructor(private readonly socket: Socket<undefined>) {}

  /** Connects, failing after `timeoutMs`. */
  static async open(address: string, timeoutMs: number): Promise<RespConnection> {
    let conn: RespConnection | null = null;
    // A server may speak first (protected mode's -DENIED, then it closes): kept for the first command.
    const early: Buffer[] = [];
    let closed: Error | null = null;
    const handlers = {
      data: (_s: Socket<undefined>, chunk: Buffer) =>
        conn ? conn.onData(chunk) : early.push(chunk),
      close: () => {
        closed = new Error("the server closed the connection");
        conn?.fail(closed);
      },
      error: (_s: Socket<undefined>, e: Error) => {
        closed = e;
        conn?.fail(e);
      },
    };
    const socket = await connectWithin(address, handlers, timeoutMs);
    conn = new RespConnection(socket);
    const first = early.length > 0 ? parseReply(Buffer.concat(early), 0) : null;
    if (first?.value instanceof RedisReplyError) conn.closedError = first.value;
    else if (closed) conn.closedError = closed;
    return conn;
  }

  /** Sends one command and waits for its reply; an error reply rejects with RedisReplyError. */
  command(args: readonly string[]): Promise<Reply> {
    if (this.closedError) return Promise.reject(this.closedError);
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.socket.write(out);
    });
  }

  /** Closes the connection; pending commands reject. */
  close(): void {
    this.fail(new Error("the connection was closed"));
    this.socket.end();
  }

  private fail(e: Error): void {
    this.closedError ??= e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.queue.length > 0) {
      const parsed = parseReply(this.buf, 0);
      if (parsed === null) return; // incomplete: wait for more bytes
      this.buf = this.buf.subarray(parsed.end);
      const p = this.queue.shift() as Pending;
      if (parsed.value instanceof RedisReplyError) p.reject(parsed.value);
      else p.resolve(parsed.value);
    }
  }
}

type Parsed = { value: Reply | RedisReplyError; end: number } | null;

/** Parses one reply at `at`; null when the buffer does not hold all of it yet. */
export function parseReply(buf: Buffer, at: number): Parsed {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) return null;
  const line = buf.toString("utf8", at + 1, eol);
  const next = eol + 2;
  switch (buf[at]) {
    case 0x2b: // +
      return { value: line, end: next };
    case 0x2d: // -
      return { value: new RedisReplyError(line), end: next };
    case 0x3a: // :
      return { value: Number(line), end: next };
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), end: next + len + 2 };
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (item === null) return null;
        if (item.value instanceof RedisReplyError) return { value: item.value, end: item.end };
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`Cannot parse a Redis reply: unexpected type byte 0x${buf[at].toString(16)}`);
  }
}
