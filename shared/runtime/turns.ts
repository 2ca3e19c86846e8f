/**
 * Cooperative sharing of the one JavaScript thread: long work (a query's evaluation, a storage
 * read over a million series) checks `due()` between units of work and, once it has held the
 * thread for a slice, awaits `turn()`, which lets everything else that is ready run first
 * (requests, timers, other queries, rule evaluation, ingest). A small request then waits at
 * most about a slice behind a big one.
 */

import { heavy } from "./budget.ts";

/** How long work holds the thread before it gives others a turn, ms. */
export const SLICE_MS = 10;

/** Lets the event loop run everything that is ready (I/O, timers, other work) first. */
export function giveWay(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The slice of one piece of long work. */
export class Turns {
  private sliceEnd = performance.now() + SLICE_MS;
  private calls = 0;

  /**
   * True when the work has held the thread for its slice and should `turn()` at its next
   * async point. Reads the clock every `every`th call (a power of two).
   */
  due(every = 8): boolean {
    return (++this.calls & (every - 1)) === 0 && performance.now() >= this.sliceEnd;
  }

  /** Lets other work run if the slice is spent, then starts a new slice. */
  async turn(): Promise<void> {
    if (performance.now() < this.sliceEnd) return;
    await giveWay();
    this.sliceEnd = performance.now() + SLICE_MS;
  }
}

/**
 * Calls `visit` on each of `items` in order, giving other work turns: every slice, and sooner
 * when a costly regex in `visit` was charged a check's worth (shared/runtime/budget.ts). For
 * loops that run a request's matchers over every listed series.
 */
export async function eachWithTurns<T>(
  items: readonly T[],
  visit: (item: T, index: number) => void,
  turns = new Turns(),
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (turns.due(64) || heavy()) await turns.turn();
    visit(items[i], i);
  }
}

/**
 * Sorts `items` in place by `compare` as Array.prototype.sort does (stably), giving other
 * work turns: short arrays are sorted at once; long ones in runs sorted natively, then
 * merged pairwise with turns between chunks of a merge. A million label sets take about a
 * second to sort, which must not hold every other request.
 */
export async function sortWithTurns<T>(
  items: T[],
  compare: (a: T, b: T) => number,
  turns = new Turns(),
): Promise<T[]> {
  if (items.length <= RUN) return items.sort(compare);
  let from = items.slice();
  let to = new Array<T>(items.length);
  for (let lo = 0; lo < from.length; lo += RUN) {
    const run = from.slice(lo, lo + RUN).sort(compare);
    for (let i = 0; i < run.length; i++) from[lo + i] = run[i];
    await turns.turn();
  }
  for (let width = RUN; width < from.length; width *= 2) {
    for (let lo = 0; lo < from.length; lo += 2 * width) {
      const mid = Math.min(lo + width, from.length);
      const hi = Math.min(lo + 2 * width, from.length);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        // `<= 0` takes from the left run on ties: stable.
        to[k] = i < mid && (j >= hi || compare(from[i], from[j]) <= 0) ? from[i++] : from[j++];
        if ((k & 4095) === 0 && turns.due(1)) await turns.turn();
      }
    }
    [from, to] = [to, from];
  }
  for (let i = 0; i < items.length; i++) items[i] = from[i];
  return items;
}

/** Items sorted natively at once, and the length of the runs a long sort merges. */
const RUN = 16_384;
