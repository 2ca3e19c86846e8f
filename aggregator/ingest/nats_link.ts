/**
 * NATS for the parts that share state through it (notifiers, silences, history, audit) without
 * consuming the ingest stream: what `outpost notifier` connects with. An aggregator's
 * IngestConsumer offers the same on its own connection.
 */
import type { JetStreamClient, NatsConnection } from "nats";
import { closeNats } from "../../shared/nats/close.ts";
import type { AggregatorNatsConfig } from "../config/schema.ts";
import { connectNats } from "./connect.ts";
import { type KeyValueStore, natsKeyValue } from "./kv.ts";
import { Lease } from "./lease.ts";
import { connectionKey } from "./message_ids.ts";
import { LogBatchPublisher } from "./publish_logs.ts";

/** What the parts sharing state through NATS need of a connection. */
export interface NatsState {
  /** A key-value bucket, created when missing. */
  keyValue(bucket: string): KeyValueStore;
  /** A lease (lease.ts); null before the connection is up. */
  lease(name: string, holder: string, ttlMs: number): Lease | null;
  /** Publishes log records of Outpost's own (alert history, audit) into the ingest stream. */
  logPublisher(): LogBatchPublisher;
}

/** One connection, waited for and kept as the aggregator's is (connect.ts). */
export class NatsLink implements NatsState {
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private closed = false;

  constructor(
    private readonly config: AggregatorNatsConfig,
    private readonly name: string,
  ) {}

  /** Connects, waiting for the server if it is not up yet. */
  async start(): Promise<void> {
    const nc = await connectNats(this.config, this.name);
    // close() came while the server was awaited (a start given up on): close it as it arrives.
    if (this.closed) {
      await nc.close();
      throw new Error("Cannot connect to NATS: closed while connecting");
    }
    this.nc = nc;
    this.js = nc.jetstream();
  }

  keyValue(bucket: string): KeyValueStore {
    if (!this.nc) throw new Error(`Cannot open the bucket ${bucket}: NATS is not connected yet`);
    return natsKeyValue(this.nc, bucket);
  }

  lease(name: string, holder: string, ttlMs: number): Lease | null {
    return this.nc ? new Lease(this.nc, name, holder, ttlMs) : null;
  }

  /** The aggregators' shared key for their batches' message ids (message_ids.ts). */
  private readonly messageIdKey = connectionKey(() => this.nc);

  logPublisher(): LogBatchPublisher {
    return new LogBatchPublisher(() => this.js, this.config.subject_prefix, this.messageIdKey);
  }

  /** Sends what is buffered and closes; a connect still under way is closed when it comes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.nc) await closeNats(this.nc);
  }
}
