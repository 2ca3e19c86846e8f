/**
 * Where a tail is: the newest timestamp it has sent and which entries it sent at exactly that
 * timestamp, so that the next poll (which starts there, inclusive) sends nothing twice.
 */
import type { StreamResult } from "../../../logs/result.ts";
import { mergedStreamsJson } from "./streams.ts";

/** Entries a poll found that the client has not seen, grouped by stream, oldest first. */
export interface FreshEntries {
  readonly streams: StreamResult[];
  readonly count: number;
}

/** The tail's position in time and its memory of the entries sent at that position. */
export class TailCursor {
  private sentAtNs = new Map<string, number>();

  /** `ns`: where the next poll starts (inclusive). */
  constructor(public ns: bigint) {}

  /**
   * Keeps the entries of `streams` that are new (at or after the cursor, not sent yet), puts
   * each stream's values oldest first, and moves the cursor to the newest one kept.
   */
  take(streams: readonly StreamResult[]): FreshEntries {
    const fresh: StreamResult[] = [];
    const keys: string[] = [];
    let count = 0;
    let newest = this.ns;
    // Identical lines at the cursor's time are told apart by count: a second `GET /healthz`
    // in the same second is a line of its own.
    const seenNow = new Map<string, number>();
    for (const s of streams) {
      const key = JSON.stringify(s.stream);
      const values: StreamResult["values"] = [];
      for (const v of s.values) {
        const ns = BigInt(v[0]);
        if (ns < this.ns) continue;
        if (ns === this.ns) {
          const k = `${key}\xff${v[1]}`;
          const n = (seenNow.get(k) ?? 0) + 1;
          seenNow.set(k, n);
          if (n <= (this.sentAtNs.get(k) ?? 0)) continue;
        }
        values.push(v);
        if (ns > newest) newest = ns;
      }
      if (values.length === 0) continue;
      // The engine orders values in the query's direction; a tail always sends oldest first.
      if (values.length > 1 && BigInt(values[0][0]) > BigInt(values[values.length - 1][0])) {
        values.reverse();
      }
      fresh.push({ stream: s.stream, values });
      keys.push(key);
      count += values.length;
    }
    this.remember(fresh, keys, newest);
    return { streams: fresh, count };
  }

  private remember(fresh: readonly StreamResult[], keys: readonly string[], newest: bigint): void {
    if (newest > this.ns) {
      this.sentAtNs = new Map();
      this.ns = newest;
    }
    for (let k = 0; k < fresh.length; k++) {
      for (const v of fresh[k].values) {
        if (BigInt(v[0]) !== newest) continue;
        const key = `${keys[k]}\xff${v[1]}`;
        this.sentAtNs.set(key, (this.sentAtNs.get(key) ?? 0) + 1);
      }
    }
  }
}

/**
 * A tail frame as Loki 3 writes it (metadata merged into the labels); `dropped_entries`
 * appears only when some were dropped, which polling never does.
 */
export function tailFrame(streams: readonly StreamResult[]): string {
  return `{"streams":${mergedStreamsJson(streams)}}`;
}
