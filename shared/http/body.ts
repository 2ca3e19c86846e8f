/**
 * A request body read no further than a cap. A declared `Content-Length` over it is refused
 * before reading; a body sent without one (chunked) is read chunk by chunk and dropped as soon
 * as it passes the cap, so a client cannot make the server hold more than `max` bytes of it.
 */

/** The body's bytes, or null when it is longer than `max` bytes. */
export async function readBodyCapped(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (declared > max) return null;
  if (req.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream: nothing more is read.
    if (size > max) return null;
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** The body as UTF-8 text (invalid bytes replaced), or null when it is longer than `max` bytes. */
export async function readTextCapped(req: Request, max: number): Promise<string | null> {
  const bytes = await readBodyCapped(req, max);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}
