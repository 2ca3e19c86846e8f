/** Debian's Prometheus 2.42 (package `prometheus`) as a peer that scrapes or evaluates. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports.ts";

/** A running Prometheus. */
export interface PrometheusPeer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus in `dir` with `config` as its prometheus.yml (rule files beside it) and
 * `args` added to its flags (`--rules.alert.resend-delay=1s`).
 */
export async function startPrometheus(
  dir: string,
  config: string,
  args: readonly string[] = [],
): Promise<PrometheusPeer> {
  const file = join(dir, "prometheus.yml");
  writeFileSync(file, config);
  const port = await freePort();
  const proc = Bun.spawn(
    [
      "prometheus",
      `--config.file=${file}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(dir, "prom")}`,
      ...args,
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  // Listening comes after the process starts: a test's first request must not race it.
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 50) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (proc.exitCode !== null || waited > 30_000) {
      proc.kill();
      throw new Error(`Prometheus on port ${port} is not ready (exit code ${proc.exitCode})`);
    }
    await Bun.sleep(50);
  }
  return {
    url,
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}
