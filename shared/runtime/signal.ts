/** Resolves on the first SIGINT or SIGTERM: how the long-running programs learn to stop. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
