import { expect, test } from "bun:test";
import { systemClock } from "./clock.ts";

test("systemClock.after() waits out a delay longer than one timer keeps (24.8 days)", async () => {
  let fired = 0;
  const long = systemClock.after(30 * 86_400_000, () => fired++);
  const short = systemClock.after(10, () => fired++);
  await Bun.sleep(100);
  long.cancel();
  short.cancel();
  expect(fired).toBe(1);
});
