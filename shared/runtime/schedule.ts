/**
 * Scheduling helpers for loops that run on an interval at a fixed phase (scrapes, host
 * collections, probes): phases derived from a key's hash spread many loops over the interval
 * instead of bursting at its start.
 */

/** The next instant at or after `now` whose offset in `interval` equals the hash of `key`. */
export function nextPhase(key: string, interval: number, now: number): number {
  const phase = Number(Bun.hash.xxHash64(key) % BigInt(interval));
  let next = now - (now % interval) + phase;
  if (next < now) next += interval;
  return next;
}

/** The slot after `last`; slots already in the past are skipped rather than run in a burst. */
export function nextSlot(last: number, interval: number, now: number): number {
  let next = last + interval;
  if (next < now) next += Math.ceil((now - next) / interval) * interval;
  return next;
}

/** The longest delay one timer keeps (2^31 - 1 ms, 24.8 days): a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves true at `at`, or false as soon as `signal` aborts. A wait longer than a timer keeps
 * is taken in steps (an `interval: 100y` would otherwise fire at once, and its loop spin).
 */
export async function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    const left = at - Date.now();
    if (left <= MAX_TIMER_MS) return wait(left, signal);
    if (!(await wait(MAX_TIMER_MS, signal))) return false;
  }
}

function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
