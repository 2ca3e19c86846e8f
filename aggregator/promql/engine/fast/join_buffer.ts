/**
 * The values of a series read whole though storage holds it in slices (a range long beside
 * its slices, as `[1h]` over hourly files: sliding_parts.ts partsPay), joined into one buffer
 * reused from series to series and query to query. The stored series would otherwise join
 * them into a new array per series, kept for the query's life: ~46 KB a day per series, most
 * of a query's garbage. Kernels keep no reference to the values they read, so the next series
 * may overwrite them.
 */
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { SelectedSeries } from "../data.ts";
import { copyValues } from "./sliding_parts.ts";

let buffer = new Float64Array(1 << 14);

/** `stored`'s values end to end, in the shared buffer when it has slices (valid until the next call). */
export function joinedValues(stored: SelectedSeries): Float64Array {
  const parts = stored.parts;
  if (parts === null) return stored.vs;
  let n = 0;
  for (const part of parts) n += part.timestamps.length;
  // Not the stored samples' slices end to end (never so today): the stored series joins them.
  if (n !== stored.ts.length) return stored.vs;
  if (buffer.length < n) buffer = new Float64Array(n * 2);
  let at = 0;
  for (const part of parts) at = copyInto(part, at);
  return buffer.subarray(0, n);
}

/** Copies `part`'s values to the buffer at `at`; returns where they end. */
function copyInto(part: CachedPart, at: number): number {
  // Narrow values are whole numbers (never a staleness marker): widened as they are copied.
  if (part.narrow !== undefined) return copyValues(part, 0, part.timestamps.length, buffer, at);
  // Wide ones are copied as bytes, so that a staleness marker's NaN payload survives.
  const values = part.values;
  const bytes = new Uint8Array(buffer.buffer, at * 8, values.length * 8);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return at + values.length;
}
