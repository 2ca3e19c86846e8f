/** Waiting on the agent's integration detection in integration tests. */

/**
 * Waits until `check` holds: one detection cycle of `cycleMs`, a collection, and slack for a
 * loaded CI machine (two test processes on two cores). A service that detection never picks
 * up still fails within seconds, naming `what`.
 */
export async function withinOneCycle(
  check: () => boolean,
  what: string,
  cycleMs: number,
): Promise<void> {
  const deadline = Date.now() + cycleMs + 1_000 + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Not within one cycle: ${what}`);
    await Bun.sleep(20);
  }
}
