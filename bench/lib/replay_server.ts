/**
 * Replay exporters, run as their own process so their CPU does not count against the agent:
 * N ports on 127.0.0.1, each serving the successive scrapes of the generated 10,000-series
 * target (`scrapesFrom(generate(10000, 0.25))`) in turn, cycling, independently of the others.
 *
 *   bun bench/lib/replay_server.ts --targets 10 [--series 10000]
 *
 * Prints one JSON line `{"addresses": ["127.0.0.1:port", …]}` on stdout once every port
 * listens, then serves until it is killed or its stdin closes.
 */
import { parseArgs } from "node:util";
import { generate, scrapesFrom } from "./replay.ts";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "10" },
    series: { type: "string", default: "10000" },
  },
});
const targets = Number(values.targets);
const series = Number(values.series);

// Encoded once: serving is then a memory copy, the cheapest an exporter can be.
const encoder = new TextEncoder();
const bodies = scrapesFrom(generate(series, 0.25)).map((s) => encoder.encode(s.body));
const headers = { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" };

const servers = Array.from({ length: targets }, () => {
  let served = 0;
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(bodies[served++ % bodies.length], { headers }),
  });
});

console.log(JSON.stringify({ addresses: servers.map((s) => `127.0.0.1:${s.port}`) }));

// The parent holds our stdin: when it goes away (even by SIGKILL), so do we.
for await (const _ of Bun.stdin.stream()) {
  // Nothing is sent; reading only waits for the end.
}
for (const s of servers) s.stop(true);
process.exit(0);
