/**
 * A dashboard version's JSON in the content bucket: zstd-compressed and cut into parts of at
 * most 512 KiB, because a NATS KV value is one message and nats-server's default
 * `max_payload` is 1 MiB; a 4 MiB dashboard compresses to far less, but need not.
 */
import { zstdDecompress } from "../../shared/codec/zstd.ts";
import { OutpostError } from "../../shared/errors/errors.ts";
import type { KeyValueStore } from "../ingest/kv.ts";

/** The bucket versions' JSON lives in: `<tenant>.<uid>.<version>.<nonce>.<part>`. */
export const CONTENT_BUCKET = "OUTPOST_DASHBOARD_CONTENT";
/** The largest part written. */
export const PART_BYTES = 512 * 1024;
/** The most a stored JSON may decompress to, whatever `max_bytes` is now. */
const READ_MAX_BYTES = 64 * 1024 * 1024;

/** Writes `text` under `prefix`; returns how many parts it took. */
export async function writeContent(
  kv: KeyValueStore,
  prefix: string,
  text: string,
): Promise<number> {
  const packed = Bun.zstdCompressSync(new TextEncoder().encode(text));
  const parts = Math.max(1, Math.ceil(packed.length / PART_BYTES));
  for (let i = 0; i < parts; i++)
    await kv.put(`${prefix}.${i}`, packed.subarray(i * PART_BYTES, (i + 1) * PART_BYTES));
  return parts;
}

/** Reads the text written under `prefix` in `parts` parts. */
export async function readContent(
  kv: KeyValueStore,
  prefix: string,
  parts: number,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    const chunk = await kv.get(`${prefix}.${i}`);
    if (chunk === null)
      throw new OutpostError(
        "internal",
        `Cannot read dashboard content ${prefix}: part ${i} is missing`,
      );
    chunks.push(chunk);
  }
  return new TextDecoder().decode(zstdDecompress(Buffer.concat(chunks), READ_MAX_BYTES));
}

/** Deletes the parts written under `prefix`. */
export async function deleteContent(
  kv: KeyValueStore,
  prefix: string,
  parts: number,
): Promise<void> {
  for (let i = 0; i < parts; i++) await kv.delete(`${prefix}.${i}`);
}
