/**
 * When a group is evaluated, as Prometheus schedules it: every `interval`, at a fixed offset
 * within the interval taken from a hash of the group's file and name, so that groups spread
 * over the interval instead of all running at one tick, and every aggregator computes the
 * same times (which is what lets JetStream drop a second evaluator's output as a duplicate).
 */

/** FNV-1a, 64 bits, of `file` and `name`: stable across processes and versions. */
export function groupHash(file: string, name: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`${file}\xff${name}`)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** The group's offset within its interval, ms. */
export function groupOffset(hash: bigint, interval: number): number {
  return Number(hash % BigInt(interval));
}

/** The latest tick at or before `now`: an integer number of intervals plus the offset. */
export function tickAtOrBefore(now: number, interval: number, offset: number): number {
  const shifted = now - offset;
  return shifted - (((shifted % interval) + interval) % interval) + offset;
}

/**
 * Where the loop stands after a tick ran: the next tick, and how many ticks were skipped
 * because the evaluation (or the process) was late.
 */
export function nextTick(
  last: number,
  now: number,
  interval: number,
): { next: number; missed: number } {
  const behind = Math.floor((now - last) / interval);
  const missed = Math.max(0, behind - 1);
  return { next: last + (missed + 1) * interval, missed };
}
