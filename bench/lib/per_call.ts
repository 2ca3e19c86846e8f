/**
 * Timing small functions by CPU time per call, for micro-benchmarks on a shared machine
 * (CPU time is steadier than wall time there).
 */

/** How many calls returned something truthy; read at exit, so the JIT must keep every call. */
let sink = 0;
process.on("exit", () => sink < 0 && console.error(sink));

/** CPU milliseconds of this process. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Median CPU nanoseconds per call of `fn` over `inputs`, of five windows after a warm-up;
 * `windowMs` is the time of the five windows together.
 */
export function nsPerCall(
  fn: (input: string) => unknown,
  inputs: readonly string[],
  windowMs: number,
): number {
  const run = () => {
    for (const s of inputs) if (fn(s)) sink++;
  };
  const warmUntil = performance.now() + windowMs / 2;
  while (performance.now() < warmUntil) run();
  const windows: number[] = [];
  for (let w = 0; w < 5; w++) {
    let calls = 0;
    const began = cpuMs();
    const until = performance.now() + windowMs / 5;
    while (performance.now() < until) {
      run();
      calls += inputs.length;
    }
    windows.push(((cpuMs() - began) * 1e6) / calls);
  }
  return windows.sort((a, b) => a - b)[2];
}
