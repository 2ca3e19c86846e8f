import { once } from "node:events";
import type { Transform } from "node:stream";
import { finished } from "node:stream/promises";
import { type Compression, decoderFor } from "./compression.ts";

/**
 * Bodies are streamed and counted, never kept, unless a body regexp needs the text; then at
 * most this much is kept (or body_size_limit, when larger), so a probe of a huge download
 * cannot exhaust the agent's memory.
 */
export const MAX_MATCHED_BODY = 16 * 1024 * 1024;

/** How to read a body. */
export interface BodyOptions {
  compression: Compression;
  /** body_size_limit in bytes, after decoding; 0 means none. */
  limit: number;
  /** Keep the text for body regexps. */
  keep: boolean;
}

/** What reading a body gave. */
export interface BodyOutcome {
  /** Bytes after decoding, at most the limit: blackbox_exporter's uncompressed body length. */
  bytes: number;
  /** The decoded body when kept (invalid UTF-8 replaced by U+FFFD, as Go's regexp reads it). */
  text?: string;
  /** Why the body could not be read to its end. */
  error?: Error;
}

/** Reads a body to its end: decodes, counts, enforces the limit and keeps the text if asked. */
export async function readBody(
  chunks: AsyncIterable<Buffer>,
  opts: BodyOptions,
): Promise<BodyOutcome> {
  const sink = new Sink(opts);
  const decoder = decoderFor(opts.compression);
  try {
    if (decoder) await pumpThrough(chunks, decoder, sink);
    else {
      for await (const chunk of chunks) {
        sink.push(chunk);
        if (sink.error) break;
      }
    }
  } catch (error) {
    sink.error ??= error instanceof Error ? error : new Error(String(error));
  } finally {
    decoder?.destroy();
  }
  return sink.outcome();
}

async function pumpThrough(
  chunks: AsyncIterable<Buffer>,
  decoder: Transform,
  sink: Sink,
): Promise<void> {
  const done = finished(decoder);
  done.catch(() => {}); // awaited below; an early exit must not leave it unhandled
  decoder.on("data", (chunk: Buffer) => sink.push(chunk));
  for await (const chunk of chunks) {
    if (!decoder.write(chunk)) await once(decoder, "drain");
    if (decoder.destroyed) await done; // rethrows what broke the decoder
    if (sink.error) return;
  }
  decoder.end();
  await done;
}

class Sink {
  bytes = 0;
  error?: Error;
  private readonly parts: Buffer[] = [];
  private kept = 0;
  private tooLargeToKeep = false;
  private readonly keepMax: number;

  constructor(private readonly opts: BodyOptions) {
    this.keepMax = Math.max(MAX_MATCHED_BODY, opts.limit);
  }

  push(chunk: Buffer): void {
    if (this.error) return;
    const { limit } = this.opts;
    if (limit > 0 && this.bytes + chunk.length > limit) {
      chunk = chunk.subarray(0, limit - this.bytes);
      this.error = new Error(`body is larger than body_size_limit (${limit} bytes)`);
    }
    this.bytes += chunk.length;
    if (!this.opts.keep || this.tooLargeToKeep) return;
    if (this.kept + chunk.length > this.keepMax) {
      // Counting goes on; only matching is refused.
      this.tooLargeToKeep = true;
      this.parts.length = 0;
      return;
    }
    this.parts.push(chunk);
    this.kept += chunk.length;
  }

  outcome(): BodyOutcome {
    const out: BodyOutcome = { bytes: this.bytes, error: this.error };
    if (!this.opts.keep) return out;
    if (this.tooLargeToKeep && !this.error) {
      out.error = new Error(
        `body is larger than ${this.keepMax} bytes, too large to match regexps; set body_size_limit`,
      );
    }
    if (!out.error) out.text = Buffer.concat(this.parts).toString("utf8");
    return out;
  }
}
