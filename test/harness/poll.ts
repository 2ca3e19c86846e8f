/** Waiting in tests for something that happens in the background. */

/** Polls `check` every 5 ms until it holds; throws naming `what` after `ms`. */
export async function pollUntil(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

/**
 * Reads `what` until `ok` holds or `ms` pass, every `everyMs`; returns the last value read, so
 * that the caller's assertion on it says what was seen instead of a timeout.
 */
export async function pollValue<T>(
  what: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await Bun.sleep(everyMs);
  }
}
