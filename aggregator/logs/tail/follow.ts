/**
 * Keeps a feed of every ingested log batch open exactly while some tail is open. With several
 * aggregators each stores only part of the stream, so a tail fed from its own aggregator's
 * appends would miss the rest; the feed (an ordered JetStream consumer, ingest/follow_logs.ts)
 * sees all of it. Opening and closing run one at a time, in order, and a feed that cannot
 * open (NATS not connected yet) is retried while it is wanted.
 */
import type { DecodedLogs } from "../../../shared/codec/decode_logs.ts";
import { logger } from "../../../shared/log/log.ts";
import type { Labels } from "../../../shared/model/labels.ts";

const log = logger("tail");
const RETRY_MS = 1_000;

/** Receives one decoded log batch of `tenant`. */
export type OfferBatch = (tenant: string, streams: readonly Labels[], logs: DecodedLogs) => void;

/** A source of every tenant's log batches, defined here and implemented over NATS. */
export interface LogFeed {
  /**
   * Starts delivering the batches that entered the stream from `sinceMs` on (Unix ms), and
   * every later one; resolves once it is running.
   */
  open(offer: OfferBatch, sinceMs: number): Promise<{ close(): Promise<void> }>;
}

/** Opens the feed while wanted, closes it when not. */
export class FeedSwitch {
  private queue: Promise<void> = Promise.resolve();
  private running: { close(): Promise<void> } | null = null;
  private wanted = false;
  /** When the feed was last asked for: batches from then on reach the tails. */
  private since = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly feed: LogFeed,
    private readonly offer: OfferBatch,
  ) {}

  /** Asks for the feed open or closed; resolves once that is done (or has failed). */
  want(open: boolean): Promise<void> {
    // The consumer is created a moment after the first tail opens; what entered the stream
    // between the two must reach that tail too.
    if (open && !this.wanted) this.since = Date.now();
    this.wanted = open;
    this.queue = this.queue.then(() => this.settle());
    return this.queue;
  }

  /** Resolves once the last open or close asked for has been tried. */
  settled(): Promise<void> {
    return this.queue;
  }

  private async settle(): Promise<void> {
    if (this.wanted === (this.running !== null)) return;
    try {
      if (this.wanted) {
        this.running = await this.feed.open(this.offer, this.since);
      } else {
        const running = this.running;
        this.running = null;
        await running?.close();
      }
    } catch (err) {
      if (!this.wanted) return;
      log.warn("Cannot follow log batches for open tails: retrying", { error: String(err) });
      this.retry ??= setTimeout(() => {
        this.retry = null;
        if (this.wanted) this.queue = this.queue.then(() => this.settle());
      }, RETRY_MS);
    }
  }
}
