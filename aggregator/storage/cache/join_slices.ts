/**
 * Joining a series' disjoint slices into one array: timestamps shared by the series whose
 * slices share theirs, and values copied as bytes.
 */

/**
 * The joined timestamps of slices, made once per combination of slices' times: series scraped
 * together share their slices' times, so they share the joined array too (half the bytes a
 * join copies, and the engine lays out windows once for all of them, as over slices).
 */
export class TimesJoiner {
  private readonly ids = new Map<Float64Array, number>();
  private readonly joined = new Map<string, Float64Array>();

  /** `shared`: make the joined arrays in shared memory, for a helper thread to read. */
  constructor(private readonly shared = false) {}

  join(parts: readonly { readonly timestamps: Float64Array }[], n: number): Float64Array {
    let key = "";
    for (const p of parts) {
      let id = this.ids.get(p.timestamps);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(p.timestamps, id);
      }
      key += `${id},`;
    }
    let ts = this.joined.get(key);
    if (ts === undefined) {
      ts = new Float64Array(this.shared ? new SharedArrayBuffer(n * 8) : new ArrayBuffer(n * 8));
      let at = 0;
      for (const p of parts) {
        ts.set(p.timestamps, at);
        at += p.timestamps.length;
      }
      this.joined.set(key, ts);
    }
    return ts;
  }
}

/**
 * The values of `parts` end to end, copied as bytes (a staleness marker's NaN payload
 * survives), into `into` when given (its length `n`), else a new array.
 */
export function joinValues(
  parts: readonly { readonly values: Float64Array }[],
  n: number,
  into: Float64Array = new Float64Array(n),
): Float64Array {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, n * 8);
  let at = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.values.buffer, p.values.byteOffset, p.values.byteLength), at);
    at += p.values.byteLength;
  }
  return into;
}
