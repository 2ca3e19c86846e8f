/** A plain JetStream client for tests and benches that publish without an aggregator. */
import { connect, type JetStreamClient } from "nats";
import { ensureStream } from "../../shared/nats/stream.ts";

/** A connection with a stream `name` over `<prefix>.>` (10 min duplicate window). */
export async function connectJetStream(
  url: string,
  prefix: string,
  name = "BENCH",
): Promise<{ js: JetStreamClient; close: () => Promise<void> }> {
  const nc = await connect({ servers: url });
  await ensureStream(await nc.jetstreamManager(), {
    name,
    subjects: [`${prefix}.>`],
    maxAgeMs: 3_600_000,
    maxBytes: 1024 ** 3,
    duplicateWindowMs: 600_000,
  });
  return { js: nc.jetstream(), close: () => nc.close() };
}
