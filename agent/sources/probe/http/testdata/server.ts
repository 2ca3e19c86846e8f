import { createServer, type Socket } from "node:net";

/** A request as the scripted server received it. */
export interface RawRequest {
  method: string;
  path: string;
  /** Header values by lower-cased name. */
  headers: Record<string, string>;
  /** Head and body exactly as sent. */
  raw: string;
  body: string;
}

/** A plain TCP server answering HTTP/1.1 requests with bytes a test writes itself. */
export interface RawServer {
  port: number;
  /** `http://<host>:<port><path>`. */
  url(path: string): string;
  requests: RawRequest[];
  /** Connections currently open, to check that a probe leaves none behind. */
  openConnections(): number;
  close(): Promise<void>;
}

/** A handler writes the response (or nothing, or resets) on the socket. */
export type RawHandler = (req: RawRequest, socket: Socket) => void;

/** Starts a scripted server on a free port of `host`. */
export async function rawServer(handler: RawHandler, host = "127.0.0.1"): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.on("error", () => {});
    let buffered = "";
    socket.on("data", (data) => {
      buffered += data.toString("latin1");
      const req = parseRequest(buffered);
      if (!req) return;
      buffered = "";
      requests.push(req);
      handler(req, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    port,
    url: (path) => `http://${shown}:${port}${path}`,
    requests,
    openConnections: () => open.size,
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function parseRequest(text: string): RawRequest | null {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [line, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const colon = l.indexOf(":");
    headers[l.slice(0, colon).toLowerCase()] = l.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  if (text.length < end + 4 + length) return null;
  const [method, path] = line.split(" ");
  const body = text.slice(end + 4, end + 4 + length);
  return { method, path, headers, raw: text.slice(0, end + 4 + length), body };
}

/** A complete response with a Content-Length. */
export function respond(status: string, headers: Record<string, string>, body = ""): string {
  let head = `HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return `${head}\r\n${body}`;
}
