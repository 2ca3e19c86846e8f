/**
 * Timeouts that judge the other side, not this process. `AbortSignal.timeout` fires when its
 * time has passed on the clock, even if the event loop could not run for most of it: after a
 * long synchronous task, a garbage collection, a paused VM or a starved process, the timer and
 * the answer it guards are both waiting, and the timer runs first. A scrape or probe of a
 * target that answered in a millisecond was then failed for the agent's own stall (measured:
 * a 300 ms stall failed every HTTP probe with a 200 ms timeout against a local server).
 */

/** How late a timer may fire before the lateness counts as a stall of this process. */
export const STALL_MS = 50;

/**
 * A signal that aborts with a `TimeoutError`, as `AbortSignal.timeout(ms)` does, except that a
 * stall is given back: when the timer fires more than {@link STALL_MS} late, the deadline moves
 * to now plus the lateness, so what arrived during the stall is read before anything is judged.
 * The extensions add up to at most `ms`, so the signal aborts within `2 × ms` plus the stalls.
 * Like `AbortSignal.timeout`, its timer does not keep the process alive.
 */
export function stallTolerantTimeout(ms: number): AbortSignal {
  const controller = new AbortController();
  let due = performance.now() + ms;
  let extended = 0;
  const fire = () => {
    const now = performance.now();
    const late = now - due;
    const extra = Math.min(late, ms - extended);
    if (late > STALL_MS && extra > 0) {
      extended += extra;
      due = now + extra;
      setTimeout(fire, extra).unref();
      return;
    }
    controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
  };
  setTimeout(fire, ms).unref();
  return controller.signal;
}

/** Resolves with the promise's value, or with false after `ms`. */
export function within<T>(ms: number, p: Promise<T>): Promise<T | false> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
