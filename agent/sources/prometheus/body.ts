/**
 * Reading a scrape body within its limit. The limit holds while the bytes arrive: a declared
 * length over it is refused before reading, an undeclared one is cut at the first chunk past
 * it, and a gzip body is inflated here as a stream (Bun's fetch would inflate ahead of the
 * reader, so a gzip bomb took gigabytes before any check), so refusing costs about the limit.
 */

/** Reserves memory for `bytes` more of this scrape, or throws when the budget refuses. */
export type Reserve = (bytes: number) => void;

/** The target served more than body_size_limit bytes; the scrape is cut and counted. */
export class BodySizeLimitError extends RangeError {}

/** Content-Encodings a scrape accepts, and how each is inflated. */
const DECODERS: Record<string, "gzip" | "deflate" | null> = {
  identity: null,
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
};

/** How a body is read; the default is the fast one. */
export interface ReadOptions {
  /**
   * Read a plain body of declared length through the chunk loop too, as every other body is.
   * Off by default: such a body is read whole in native code (below). Tests set it to hold the
   * fast read to this one.
   */
  chunkLoopAlways?: boolean;
}

/**
 * Reads `res`'s body, inflated, failing with {@link BodySizeLimitError} past `limit` bytes
 * (0: no limit). Every chunk is reserved twice before it is kept: once as read, once in the
 * joined body.
 */
export async function readLimitedBody(
  res: Response,
  limit: number,
  reserve: Reserve,
  opts: ReadOptions = {},
): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const max = limit > 0 ? limit : Number.POSITIVE_INFINITY;
  const encoding = (res.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  const format = DECODERS[encoding];
  if (format === undefined) {
    await res.body.cancel().catch(() => {});
    throw new TypeError(`unsupported Content-Encoding ${JSON.stringify(encoding)}`);
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (format === null && declared > max) {
    await res.body.cancel().catch(() => {});
    throw tooLarge(limit, declared);
  }
  if (format === null && Number.isSafeInteger(declared) && declared >= 0 && !opts.chunkLoopAlways) {
    // Fast path: the client reads exactly Content-Length bytes (more from a lying server are
    // not read as this body), so the limit already holds, and reading the body whole in
    // native code saves the JavaScript loop over stream chunks and their concatenation: a
    // quarter of the agent's CPU scraping 10,000-series targets (bench/agent_e2e.ts).
    try {
      reserve(2 * declared);
    } catch (err) {
      await res.body.cancel().catch(() => {});
      throw err;
    }
    return res.bytes();
  }
  const stream: ReadableStream<Uint8Array> = format
    ? res.body.pipeThrough(new DecompressionStream(format))
    : res.body;
  return collect(stream, max, limit, reserve);
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  max: number,
  limit: number,
  reserve: Reserve,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) throw tooLarge(limit);
      reserve(2 * value.length);
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

function tooLarge(limit: number, declared?: number): BodySizeLimitError {
  const what = declared === undefined ? `more than ${limit}` : `${declared} (declared)`;
  return new BodySizeLimitError(`body_size_limit exceeded: ${what} bytes, limit ${limit}`);
}
