/** Waiting for a child server to answer HTTP, for the harness's web servers. */
import type { Subprocess } from "bun";

/** Whether `url` answers 2xx within 10 s while `proc` runs; false once it exits or time is up. */
export async function answers(url: string, proc: Subprocess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (proc.exitCode === null && Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await Bun.sleep(50);
  }
  return false;
}
