import type { ResponseReader } from "./reader.ts";

/** The longest response head accepted; a probe is not a download manager. */
const MAX_HEAD_BYTES = 1 << 20;
const MAX_LINE_BYTES = 4096;
const READ_SIZE = 64 * 1024;

/** A response's status line and headers. */
export interface ResponseHead {
  /** As written on the status line, e.g. `HTTP/1.1`: what valid_http_versions compares. */
  proto: string;
  status: number;
  /** Values by lower-cased name, one entry per header line, in order. */
  headers: Map<string, string[]>;
}

/** The first value of a header, or undefined. */
export function header(head: ResponseHead, name: string): string | undefined {
  return head.headers.get(name)?.[0];
}

/** Parses a response head as Go's net/http does, continuation lines included. */
export function parseHead(text: string): ResponseHead {
  const lines = text.split("\r\n");
  const status = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/.exec(lines[0]);
  if (!status) throw new Error(`malformed HTTP status line ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of lines.slice(1)) {
    if ((line[0] === " " || line[0] === "\t") && last) {
      last[last.length - 1] = `${last[last.length - 1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed MIME header line ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    last = headers.get(name) ?? [];
    last.push(line.slice(colon + 1).trim());
    headers.set(name, last);
  }
  return { proto: status[1], status: Number(status[2]), headers };
}

/**
 * Reads the next final response head, skipping interim 1xx responses (100 Continue, 103
 * Early Hints) as Go's client does.
 */
export async function readResponseHead(reader: ResponseReader): Promise<ResponseHead> {
  for (;;) {
    const head = parseHead(await reader.readHead(MAX_HEAD_BYTES));
    if (head.status >= 200 || head.status === 101) return head;
  }
}

/** How the body of a response is delimited (RFC 9112 section 6.3). */
export type Framing =
  | { kind: "none" }
  | { kind: "chunked" }
  | { kind: "length"; length: number }
  | { kind: "close" };

/** The body framing of a response to `method`. */
export function framingOf(head: ResponseHead, method: string): Framing {
  if (method === "HEAD" || head.status === 204 || head.status === 304) return { kind: "none" };
  const encoding = head.headers.get("transfer-encoding")?.join(",").toLowerCase() ?? "";
  if (encoding.split(",").some((e) => e.trim() === "chunked")) return { kind: "chunked" };
  const length = contentLengthHeader(head);
  if (length !== undefined && length >= 0) return { kind: "length", length };
  return { kind: "close" };
}

/**
 * Go's `Response.ContentLength`: the Content-Length for responses that have one (HEAD
 * included), 0 for 204 and 304, -1 when the length is unknown (chunked, read to close).
 */
export function contentLength(head: ResponseHead, method: string): number {
  const framing = framingOf(head, method);
  if (method === "HEAD") return framing.kind === "chunked" ? -1 : (contentLengthHeader(head) ?? -1);
  if (framing.kind === "none") return 0;
  return framing.kind === "length" ? framing.length : -1;
}

function contentLengthHeader(head: ResponseHead): number | undefined {
  const text = header(head, "content-length");
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`bad Content-Length ${JSON.stringify(text)}`);
  return Number(text);
}

/** The body's bytes as they arrive, without chunk framing; throws when the stream breaks early. */
export async function* bodyChunks(
  reader: ResponseReader,
  framing: Framing,
): AsyncGenerator<Buffer> {
  if (framing.kind === "none") return;
  if (framing.kind === "length") yield* exactly(reader, framing.length);
  else if (framing.kind === "close") {
    for (let chunk = await reader.read(READ_SIZE); chunk; chunk = await reader.read(READ_SIZE)) {
      yield chunk;
    }
  } else yield* chunked(reader);
}

async function* exactly(reader: ResponseReader, length: number): AsyncGenerator<Buffer> {
  for (let left = length; left > 0; ) {
    const chunk = await reader.read(Math.min(left, READ_SIZE));
    if (chunk === null) throw new Error("unexpected EOF");
    left -= chunk.length;
    yield chunk;
  }
}

async function* chunked(reader: ResponseReader): AsyncGenerator<Buffer> {
  for (;;) {
    const line = await reader.readLine(MAX_LINE_BYTES, "chunk size line");
    const size = /^[0-9a-fA-F]{1,15}/.exec(line.trim());
    if (!size) throw new Error(`malformed chunk size line ${JSON.stringify(line)}`);
    const length = Number.parseInt(size[0], 16);
    if (length === 0) break;
    yield* exactly(reader, length);
    if ((await reader.readLine(2, "chunk")) !== "") throw new Error("malformed chunked encoding");
  }
  // Trailers, up to the blank line that ends the body.
  while ((await reader.readLine(MAX_LINE_BYTES, "trailer")) !== "") {}
}
