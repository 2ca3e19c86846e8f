import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflateRaw } from "node:zlib";

/** The `compression` values blackbox_exporter 0.23 knows; "" and identity read the body as is. */
export const COMPRESSIONS = ["", "identity", "gzip", "deflate", "br"] as const;

/** A module's `compression`. */
export type Compression = (typeof COMPRESSIONS)[number];

/**
 * A streaming decoder for the body, or null when it is read as is. As in blackbox_exporter,
 * `deflate` is a raw DEFLATE stream (Go's compress/flate), not the zlib wrapping.
 */
export function decoderFor(compression: Compression): Transform | null {
  if (compression === "gzip") return createGunzip();
  if (compression === "deflate") return createInflateRaw();
  if (compression === "br") return createBrotliDecompress();
  return null;
}

/**
 * Whether an `Accept-Encoding` header lets the server send `compression`: blackbox_exporter
 * refuses modules where the configured algorithm has quality 0 or is not listed at all
 * (explicitly or as `*`), since decoding whatever comes back would then fail.
 */
export function acceptsCompression(compression: Compression, acceptEncoding: string): boolean {
  if (compression === "") return true;
  const offers = acceptEncoding.split(",").map(parseOffer);
  // Highest quality first, ties in written order (a stable sort), as blackbox does.
  offers.sort((a, b) => b.quality - a.quality);
  const offer = offers.find((o) => o.coding === compression || o.coding === "*");
  return offer !== undefined && offer.quality > 0;
}

function parseOffer(part: string): { coding: string; quality: number } {
  const semi = part.lastIndexOf(";");
  if (semi < 0) return { coding: part.trim().toLowerCase(), quality: 1 };
  const text = part
    .slice(semi + 1)
    .trim()
    .replace(/^q=/, "");
  // Strict like Go's ParseFloat: "0.9x" is no number, hence quality 0.
  const q = text === "" ? Number.NaN : Number(text);
  return {
    coding: part.slice(0, semi).trim().toLowerCase(),
    quality: Number.isFinite(q) ? Math.round(q * 1000) / 1000 : 0,
  };
}
