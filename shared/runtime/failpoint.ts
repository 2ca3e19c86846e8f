/**
 * Failpoints, as etcd's gofail and TiKV's fail-rs offer them: named places where a test can
 * make the process die as a crash would (SIGKILL, no cleanup), to prove that the durability
 * protocol holds at exactly that moment. Inert unless OUTPOST_FAILPOINT names the point (and,
 * with OUTPOST_FAILPOINT_SKIP=n, only after it has been passed n times).
 */
const armed = process.env.OUTPOST_FAILPOINT ?? "";
let skip = Number(process.env.OUTPOST_FAILPOINT_SKIP ?? "0");

/** Kills this process with SIGKILL if the failpoint `name` is armed. */
export function failpoint(name: string): void {
  if (armed !== name) return;
  if (skip-- > 0) return;
  process.kill(process.pid, "SIGKILL");
}
