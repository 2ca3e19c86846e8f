/**
 * One SMTP conversation over a TCP or TLS socket (node:net/node:tls, which Bun runs,
 * STARTTLS included): replies read whole (multi-line ones joined), commands written one at a
 * time, the socket upgraded in place by STARTTLS, and everything ended when the signal aborts.
 */
import net from "node:net";
import tls from "node:tls";

/** A reply: its code and its text lines (without the code). */
export interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** An SMTP step that failed: with the server's reply code when the server refused. */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = "SmtpError";
  }
}

/** Where to connect and how to secure it. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise plain until STARTTLS. */
  readonly implicitTls: boolean;
  readonly tls: tls.ConnectionOptions;
}

/** An open SMTP connection. */
export class SmtpConnection {
  private buffer = "";
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  /** Whether the connection is encrypted. */
  secure: boolean;

  private constructor(
    private socket: net.Socket,
    secure: boolean,
    private readonly signal: AbortSignal,
  ) {
    this.secure = secure;
    this.listen(socket);
    signal.addEventListener("abort", () => this.fail(new SmtpError("the attempt timed out")), {
      once: true,
    });
  }

  /** Connects and reads the greeting; throws SmtpError. */
  static async open(to: Endpoint, signal: AbortSignal): Promise<SmtpConnection> {
    const socket = to.implicitTls
      ? tls.connect({ ...to.tls, host: to.host, port: to.port })
      : net.connect({ host: to.host, port: to.port });
    await connected(socket, to.implicitTls ? "secureConnect" : "connect", signal);
    const c = new SmtpConnection(socket, to.implicitTls, signal);
    try {
      c.expect(await c.read(), 220, "read the greeting");
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return c;
  }

  /** Sends one command line and reads its reply. */
  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** Sends raw bytes (the message after DATA). */
  write(text: string): void {
    if (this.failure) throw this.failure;
    this.socket.write(text);
  }

  /** Throws SmtpError unless `reply` has code `want`; `what` names the step. */
  expect(reply: Reply, want: number, what: string): Reply {
    if (reply.code === want) return reply;
    throw new SmtpError(
      `Cannot ${what}: the server answered ${reply.code} ${reply.lines.join(" ")}`,
      reply.code,
    );
  }

  /** Upgrades the connection after the server accepted STARTTLS. */
  async startTls(options: tls.ConnectionOptions): Promise<void> {
    this.socket.removeAllListeners("data");
    const secured = tls.connect({ ...options, socket: this.socket });
    await connected(secured, "secureConnect", this.signal);
    this.socket = secured;
    this.secure = true;
    this.listen(secured);
  }

  /** Reads the next reply, multi-line ones (`250-…`) whole. */
  async read(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      const code = Number(line.slice(0, 3));
      if (!/^\d{3}[ -]?/.test(line))
        throw new SmtpError(`Cannot read a reply: "${line.slice(0, 80)}" is not one`);
      lines.push(line.slice(4));
      if (line[3] !== "-") return { code, lines };
    }
  }

  /** Says QUIT when still possible (waiting a second at most for the answer) and closes. */
  async close(): Promise<void> {
    if (!this.failure) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise((r) => {
        timer = setTimeout(r, 1000);
      });
      await Promise.race([this.command("QUIT").catch(() => undefined), late]);
      clearTimeout(timer);
    }
    this.socket.destroy();
  }

  private async line(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf("\r\n");
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return line;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  private listen(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      this.wake();
    });
    socket.on("error", (e) => this.fail(new SmtpError(`Cannot talk to the server: ${e.message}`)));
    socket.on("close", () =>
      this.fail(new SmtpError("Cannot talk to the server: it closed the connection")),
    );
  }

  private fail(error: Error): void {
    this.failure ??= error;
    if (this.signal.aborted) this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}

/** Resolves once `socket` emits `event`; rejects on its error or the signal. */
function connected(socket: net.Socket, event: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      socket.destroy();
      reject(new SmtpError("the attempt timed out"));
    };
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    socket.once(event, () => {
      signal.removeEventListener("abort", abort);
      resolve();
    });
    socket.once("error", (e) => {
      signal.removeEventListener("abort", abort);
      reject(new SmtpError(`Cannot connect: ${e.message}`));
    });
  });
}
