/**
 * What a round of rule evaluations costs outside the evaluation itself, in this process, on
 * the workload of bench/rules_vs_prometheus.ts: 20 groups, each renewing its lease in NATS KV
 * and publishing its output (250 samples: recording series, ALERTS and ALERTS_FOR_STATE) to
 * JetStream through the aggregator's publisher, against a real nats-server; then the
 * aggregator's side of ingesting that output back (decompress, decode, append to a head).
 * Each figure is CPU per round of 20 groups (one round every 15 s); nats-server's own CPU is
 * not in them.
 *
 *   bun bench/rules_output.ts [--quick]   40 rounds (--quick: 10)
 */

import { parseArgs } from "node:util";
import { connectNats } from "../aggregator/ingest/connect.ts";
import { Lease } from "../aggregator/ingest/lease.ts";
import { connectionKey } from "../aggregator/ingest/message_ids.ts";
import { RuleBatchPublisher } from "../aggregator/ingest/publish.ts";
import type { OutputBatch } from "../aggregator/rules/eval/deps.ts";
import { Head } from "../aggregator/storage/head/head.ts";
import { decompress } from "../shared/codec/compress.ts";
import { decodeBatch } from "../shared/codec/decode.ts";
import { type Labels, labelsFromRecord } from "../shared/model/labels.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean", default: false } },
  strict: false,
});
const ROUNDS = flags.quick ? 10 : 40;
const GROUPS = 20;
const STEP = 15_000;

/** One group's output at `ts`: 150 recording series, 50 alerts' ALERTS and ALERTS_FOR_STATE. */
function output(g: number, ts: number): OutputBatch {
  const labels: Labels[] = [];
  const values: number[] = [];
  for (let m = 0; m < 50; m++) {
    for (let z = 0; z < 3; z++) {
      labels.push(labelsFromRecord({ __name__: `zone:bench_c${g * 50 + m}:bench`, zone: `z${z}` }));
      values.push(10 + z + ts / 1e12);
    }
    const alert = { alertname: `BenchHigh${g * 50 + m}`, pod: `p${m % 10}`, severity: "warning" };
    labels.push(labelsFromRecord({ __name__: "ALERTS", alertstate: "firing", ...alert }));
    values.push(1);
    labels.push(labelsFromRecord({ __name__: "ALERTS_FOR_STATE", ...alert }));
    values.push(1_700_000_000);
  }
  return {
    msgId: `rules-default-${g}-${ts}`,
    tenant: "default",
    labels,
    timestamp: ts,
    values,
    stale: values.map(() => false),
  };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

const nats = await startNatsServer();
const nc = await connectNats({ url: [nats.url] }, "bench-rules-output");
try {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: "BENCH_RULES", subjects: ["bench.>"] });
  const js = nc.jetstream();
  // Read once, as the consumer reads it: the bench measures publishing, not the key's read.
  const publisher = new RuleBatchPublisher(
    () => js,
    "bench",
    connectionKey(() => nc),
  );
  const leases = Array.from(
    { length: GROUPS },
    (_, g) => new Lease(nc, `rules.${g}`, "a", 2 * STEP),
  );
  const published: Uint8Array[] = [];
  const t0 = Date.now();
  let lease = 0;
  let publish = 0;
  for (let r = -2; r < ROUNDS; r++) {
    const ts = t0 + r * STEP;
    for (let g = 0; g < GROUPS; g++) {
      let c = process.cpuUsage();
      await leases[g].acquire(ts);
      if (r >= 0) lease += cpuMs(c);
      c = process.cpuUsage();
      await publisher.publish(output(g, ts));
      if (r >= 0) publish += cpuMs(c);
    }
  }
  // The aggregator's side: what it does with each of those messages once consumed.
  const sub = await jsm.streams.getMessage("BENCH_RULES", { seq: 1 });
  for (let i = 0; i < GROUPS; i++) published.push(sub.data);
  const head = new Head();
  let ingest = 0;
  for (let r = -2; r < ROUNDS; r++) {
    const c = process.cpuUsage();
    for (const data of published) head.append(decodeBatch(decompress("lz4", data, 1 << 26)), r);
    if (r >= 0) ingest += cpuMs(c);
  }
  report("rules_output_lease_cpu_per_round", lease / ROUNDS, "ms");
  report("rules_output_publish_cpu_per_round", publish / ROUNDS, "ms");
  report("rules_output_ingest_cpu_per_round", ingest / ROUNDS, "ms");
  report("rules_output_cores_at_15s", (lease + publish + ingest) / ROUNDS / STEP, "cores");
} finally {
  await nc.close();
  await nats.dispose();
}
