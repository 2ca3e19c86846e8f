/** Waiting in tests for something that happens in the background. */

/** Polls `check` every 5 ms until it holds; throws naming `what` after `ms`. */
export async function pollUntil(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}
