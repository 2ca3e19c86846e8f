/**
 * Debian's official exporters for the integrations' side-by-side tests and benchmark:
 * postgres_exporter 0.11 and redis_exporter 1.45, on free ports, pointed at the test's
 * own service instances.
 */

import { existsSync } from "node:fs";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/** A running exporter. */
export interface ServiceExporter {
  address: string;
  pid: number;
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

const POSTGRES_EXPORTER = "/usr/bin/prometheus-postgres-exporter";
const REDIS_EXPORTER = "/usr/bin/prometheus-redis-exporter";

/** postgres_exporter with its default collectors, for `dsn` (given in its environment). */
export function startPostgresExporter(dsn: string): Promise<ServiceExporter> {
  if (!existsSync(POSTGRES_EXPORTER))
    throw new Error(
      "Cannot start postgres_exporter: install the prometheus-postgres-exporter package",
    );
  return start(
    (address) => [POSTGRES_EXPORTER, `--web.listen-address=${address}`],
    { DATA_SOURCE_NAME: `${dsn}${dsn.includes("?") ? "&" : "?"}sslmode=disable` },
    "postgres_exporter_build_info",
  );
}

/** redis_exporter for the Redis at `address` (host:port); the password goes by environment. */
export function startRedisExporter(address: string, password?: string): Promise<ServiceExporter> {
  if (!existsSync(REDIS_EXPORTER))
    throw new Error("Cannot start redis_exporter: install the prometheus-redis-exporter package");
  return start(
    (listen) => [
      REDIS_EXPORTER,
      "-redis.addr",
      `redis://${address}`,
      "-web.listen-address",
      listen,
    ],
    password ? { REDIS_PASSWORD: password } : {},
    "redis_exporter_build_info",
  );
}

async function start(
  argv: (listen: string) => string[],
  env: Record<string, string>,
  marker: string,
): Promise<ServiceExporter> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const address = `127.0.0.1:${await freePort()}`;
    const proc = Bun.spawn(argv(address), {
      env: { ...process.env, ...env },
      stdout: "ignore",
      stderr: "ignore",
    });
    children.add(proc);
    const url = `http://${address}/metrics`;
    const deadline = Date.now() + 10_000;
    let up = false;
    while (!up && proc.exitCode === null && Date.now() < deadline) {
      up = await fetch(url).then(
        async (r) => r.ok && (await r.text()).includes(marker),
        () => false,
      );
      if (!up) await Bun.sleep(50);
    }
    if (up) {
      return {
        address,
        pid: proc.pid,
        async scrape() {
          const r = await fetch(url);
          if (!r.ok) throw new Error(`Cannot scrape ${url}: HTTP ${r.status}`);
          return r.text();
        },
        async stop() {
          proc.kill();
          await proc.exited;
          children.delete(proc);
        },
      };
    }
    proc.kill("SIGKILL");
    children.delete(proc);
  }
  throw new Error(`Cannot start ${argv("")[0]}: it did not serve /metrics three times`);
}

/** Starts any exporter binary on a free port (argv gets the listen address), once it serves `marker`. */
export const startExporter = start;
