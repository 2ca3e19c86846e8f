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
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}
