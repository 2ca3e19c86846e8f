/** Test support for timing code: a stand-in for a long synchronous task. */

/** Blocks the event loop for `ms`: no timer and no I/O runs until it returns. */
export function blockEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose.
  }
}
