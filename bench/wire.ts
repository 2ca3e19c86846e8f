/**
 * Wire efficiency of the agent: bytes per sample on the wire (protobuf + LZ4) and the ratio to
 * the exposition text, for Debian's node_exporter and for a 10,000-series target scraped every
 * 15 s, with 10 s batching (one scrape per batch) and 60 s batching (four scrapes per batch),
 * with LZ4 (the default) and zstd level 1 (the option) on the same scrapes.
 *
 *   bun bench/wire.ts            real 15 s spacing for node_exporter (~2 minutes)
 *   bun bench/wire.ts --quick    1 s spacing (counters move less: optimistic)
 */
import { startNodeExporter } from "../test/harness/exporters.ts";
import { fanOut, memoryBatcher, report, scrapeLoop } from "./lib/pipeline.ts";
import { generate, scrapesFrom } from "./lib/replay.ts";

const quick = process.argv.includes("--quick");
const SCRAPES = 8;

async function measure(
  name: string,
  address: string,
  scrapes: number,
  textBytesOf: (i: number) => Promise<number>,
  timestampOf: (i: number) => number,
  beforeScrape: (i: number) => Promise<void>,
  jobYaml = "",
): Promise<void> {
  const every10 = memoryBatcher();
  const every60 = memoryBatcher();
  const zstd10 = memoryBatcher("zstd");
  const zstd60 = memoryBatcher("zstd");
  const tee = fanOut(every10.batcher, every60.batcher, zstd10.batcher, zstd60.batcher);
  const loop = scrapeLoop(address, tee, jobYaml);
  const signal = new AbortController().signal;
  let text = 0;
  for (let i = 0; i < scrapes; i++) {
    await beforeScrape(i);
    text += await textBytesOf(i);
    await loop.scrapeOnce(timestampOf(i), signal);
    await every10.batcher.flush();
    await zstd10.batcher.flush();
    if (i % 4 === 3) await Promise.all([every60.batcher.flush(), zstd60.batcher.flush()]);
  }
  await Promise.all([every60.batcher.flush(), zstd60.batcher.flush()]);
  const variants = [
    ["10s", every10],
    ["60s", every60],
    ["10s_zstd", zstd10],
    ["60s_zstd", zstd60],
  ] as const;
  for (const [batching, { store }] of variants) {
    report(`wire_${name}_${batching}_bytes_per_sample`, store.bytes / tee.samples, "bytes/sample");
    report(`wire_${name}_${batching}_text_ratio`, text / store.bytes, "ratio");
  }
  report(`wire_${name}_samples_per_scrape`, tee.samples / scrapes, "samples");
}

const node = await startNodeExporter();
try {
  const t0 = Date.now();
  const spacing = quick ? 1000 : 15_000;
  await measure(
    "node_exporter",
    node.address,
    SCRAPES,
    async () => (await (await fetch(`http://${node.address}/metrics`)).arrayBuffer()).byteLength,
    (i) => t0 + i * 15_000,
    async (i) => {
      if (i > 0) await Bun.sleep(spacing);
    },
  );
} finally {
  await node.stop();
}

const scrapes = scrapesFrom(generate(10_000, 0.25)).slice(0, 16);
let served = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () =>
    new Response(scrapes[served++ % scrapes.length].body, {
      headers: { "Content-Type": "text/plain; version=0.0.4" },
    }),
});
try {
  await measure(
    "10k_series",
    `127.0.0.1:${server.port}`,
    scrapes.length,
    async (i) => Buffer.byteLength(scrapes[i].body),
    (i) => scrapes[i].timestampMs,
    async () => {},
    "    honor_labels: true\n",
  );
} finally {
  server.stop(true);
}
