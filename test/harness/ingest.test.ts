/**
 * waitForAllAcked() against a real nats-server, with a consumer that acknowledges each batch
 * 200 ms after it arrives, as an aggregator does after its flush: the wait must end once the
 * batches present when it began are acknowledged, even while new batches keep arriving (an
 * aggregator evaluating rules publishes their output every interval), and must time out naming
 * the batch that is never acknowledged.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AckPolicy, type NatsConnection } from "nats";
import { connectTo, waitForAllAcked } from "./ingest.ts";
import { type NatsServerHandle, startNatsServer } from "./nats.ts";

const STREAM = "OUTPOST_INGEST";
const CONSUMER = "outpost-aggregator";
let nats: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connectTo(nats.url);
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: STREAM, subjects: ["outpost.ingest.>"] });
  await jsm.consumers.add(STREAM, {
    durable_name: CONSUMER,
    ack_policy: AckPolicy.Explicit,
    ack_wait: 60_000_000_000,
  });
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

/** Acknowledges every batch `delayMs` after it arrives, except those on `neverAck`. */
async function slowAcker(delayMs: number, neverAck: string) {
  const consumer = await nc.jetstream().consumers.get(STREAM, CONSUMER);
  const msgs = await consumer.consume({ max_messages: 64 });
  (async () => {
    for await (const m of msgs) {
      if (m.subject !== neverAck) setTimeout(() => m.ack(), delayMs);
    }
  })();
  return msgs;
}

describe("waitForAllAcked()", () => {
  test("ends once the batches present at its start are acknowledged, while new ones keep coming", async () => {
    const js = nc.jetstream();
    for (let i = 0; i < 5; i++) await js.publish("outpost.ingest.default.metrics.test", "x");
    const msgs = await slowAcker(200, "outpost.ingest.stuck.metrics.test");
    // A batch every 50 ms, each acknowledged 200 ms later: never a moment with none unacked.
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        await js.publish("outpost.ingest.default.metrics.rules", "y");
        await Bun.sleep(50);
      }
    })();
    const began = Date.now();
    try {
      await waitForAllAcked(nc, 10_000);
    } finally {
      publishing = false;
      await publisher;
    }
    expect(Date.now() - began).toBeLessThan(5_000);
    const info = await (await nc.jetstreamManager()).consumers.info(STREAM, CONSUMER);
    expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(5);

    // A batch never acknowledged: the wait times out and names it.
    await js.publish("outpost.ingest.stuck.metrics.test", "z");
    await expect(waitForAllAcked(nc, 1_000)).rejects.toThrow(
      /outpost\.ingest\.stuck\.metrics\.test/,
    );
    msgs.stop();
  }, 30_000);
});
