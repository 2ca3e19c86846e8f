import { expect, test } from "bun:test";
import { startMachineSpeed } from "./machine_speed.ts";

test("the machine's speed is the fixed work's median time over the window", async () => {
  const speed = startMachineSpeed(20);
  await Bun.sleep(300);
  const us = speed.stop();
  // Four hundred thousand dependent steps: well over 50 µs on any machine, under a second.
  expect(us).toBeGreaterThan(50);
  expect(us).toBeLessThan(1_000_000);
});

test("a window too short for one timing says so with NaN", () => {
  expect(startMachineSpeed(60_000).stop()).toBeNaN();
});
