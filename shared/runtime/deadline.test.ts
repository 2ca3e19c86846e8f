import { describe, expect, test } from "bun:test";
import { stallTolerantTimeout } from "./deadline.ts";
import { blockEventLoop as stall } from "./testing.ts";

/** One turn of the event loop: the timers that are due run. */
const turn = () => Bun.sleep(0);

async function abortedWithin(signal: AbortSignal, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!signal.aborted && performance.now() < end) await Bun.sleep(5);
  return signal.aborted;
}

describe("stallTolerantTimeout()", () => {
  test("aborts with a TimeoutError once its time has passed with the loop running", async () => {
    const started = performance.now();
    const signal = stallTolerantTimeout(100);
    expect(await abortedWithin(signal, 5_000)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
  });

  test("gives a stall past its deadline back, where AbortSignal.timeout does not", async () => {
    const tolerant = stallTolerantTimeout(200);
    const plain = AbortSignal.timeout(200);
    stall(600);
    await turn();
    // The plain timer judged at once; the tolerant one lets the loop read what arrived.
    expect(plain.aborted).toBe(true);
    expect(tolerant.aborted).toBe(false);
    expect(await abortedWithin(tolerant, 5_000)).toBe(true);
    expect((tolerant.reason as DOMException).name).toBe("TimeoutError");
  });

  test("gives back at most its own length in all", async () => {
    const signal = stallTolerantTimeout(200);
    stall(600);
    await turn();
    expect(signal.aborted).toBe(false);
    stall(600);
    await turn();
    expect(signal.aborted).toBe(true);
  });

  test("does not keep the process alive", () => {
    const out = Bun.spawnSync([
      process.execPath,
      "-e",
      `import("${import.meta.dir}/deadline.ts").then((m) => { m.stallTolerantTimeout(60_000); });`,
    ]);
    expect(out.exitCode).toBe(0);
  }, 10_000);
});
