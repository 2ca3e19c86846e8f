/**
 * How fast the machine ran over a window, to tell a slower machine from a costlier program.
 * A cloud VM's vCPU can run slower for minutes while its neighbours on the host are busy (the
 * guest's steal time stays 0 on these VMs), which moves every CPU figure taken meanwhile; a
 * bench whose sides run one after the other then sees the slow stretch under one side only,
 * and their ratio moves with it. Every second a fixed loop (about a millisecond) is timed in
 * this process; a window's median is its speed, the same work's time in each window.
 */
import { quantile } from "./rule_lag.ts";

/** The fixed work: a dependent chain of floating-point steps, in registers. */
function work(steps: number): number {
  let x = 1;
  for (let i = 0; i < steps; i++) x = x * 1.000000001 + (i & 7) * 1e-9;
  return x;
}

const STEPS = 400_000;
/** Where the work's result goes, so that it cannot be left out. */
let sink = 0;

/** Times the work every `everyMs` until stopped; `stop()` gives the median in µs. */
export function startMachineSpeed(everyMs = 1000): { stop(): number } {
  for (let i = 0; i < 20; i++) sink += work(STEPS / 10); // compiled before the first timing
  const times: number[] = [];
  const timer = setInterval(() => {
    const t0 = performance.now();
    sink += work(STEPS);
    times.push((performance.now() - t0) * 1000);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      if (sink === Number.NEGATIVE_INFINITY) console.error(sink);
      return quantile(times, 0.5);
    },
  };
}
