/**
 * One client's tail, polling storage: first the newest `limit` lines since `start` (sent
 * oldest first, as Loki sends its history), then every `pollMs` the lines newer than the
 * last one sent, `delay_for` seconds behind the clock. Lines stored late with a time the
 * tail has already passed are not sent; `delay_for` is the remedy, as in Loki.
 */
import type { WSContext } from "hono/ws";
import { logger } from "../../../../shared/log/log.ts";
import type { Metric } from "../../../../shared/metrics/registry.ts";
import type { LogQueryable } from "../../../logs/source.ts";
import type { TailParams } from "./params.ts";
import { type RunLogQuery, withDeadline } from "./query.ts";
import { toLokiError } from "./respond.ts";
import { TailCursor, tailFrame } from "./tail_cursor.ts";

const log = logger("loki-tail");

/** Lines one poll asks for; a poll that finds only lines already sent asks for more next time. */
const POLL_BATCH = 1000;
const MAX_POLL_BATCH = 64_000;
/** WebSocket close code for a server-side failure (gorilla's `CloseInternalServerErr`). */
const CLOSE_INTERNAL_ERROR = 1011;
/** A close frame's reason holds at most 123 bytes. */
const MAX_CLOSE_REASON = 123;

/** What tails need. */
export interface TailDeps {
  readonly run: RunLogQuery;
  readonly nowNs: () => bigint;
  readonly pollMs: number;
  /** Loki's `max_concurrent_tail_requests`. */
  readonly maxTails: number;
  /** Bounds the first (history) query. */
  readonly timeoutMs: number;
  /** Polls that failed (the tail keeps polling). */
  readonly pollErrors?: Metric;
  /** Tails open now. */
  readonly open?: Metric;
}

/** Closes a tail as Loki does when it fails: code 1011 with the error as the reason. */
export function closeWithError(ws: WSContext, reason: string): void {
  const bytes = Buffer.from(reason, "utf8");
  const cut =
    bytes.length <= MAX_CLOSE_REASON
      ? reason
      : bytes.subarray(0, MAX_CLOSE_REASON).toString("utf8");
  ws.close(CLOSE_INTERNAL_ERROR, cut.replace(/\uFFFD$/, ""));
}

/** One client's tail: its cursor and its poll timer. */
export class TailSession {
  private cursor: TailCursor;
  private readonly delayNs: bigint;
  private readonly abort = new AbortController();
  private ws: WSContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private batch = POLL_BATCH;
  private busy = false;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly source: LogQueryable,
    private readonly params: TailParams,
    private readonly deps: TailDeps,
  ) {
    this.cursor = new TailCursor(params.startNs);
    this.delayNs = BigInt(params.delayForSeconds) * 1_000_000_000n;
  }

  /** Sends the history, then polls; a failed history query closes the socket, as in Loki. */
  async open(ws: WSContext): Promise<void> {
    this.ws = ws;
    const endNs = this.deps.nowNs() - this.delayNs;
    const { startNs, query, limit } = this.params;
    try {
      const out = await withDeadline(this.abort.signal, this.deps.timeoutMs, (signal) =>
        this.deps.run(this.source, query, {
          startNs,
          endNs,
          stepMs: 1000,
          limit,
          direction: "backward",
          instant: false,
          signal,
        }),
      );
      if (this.stopped || out.result.resultType !== "streams") return;
      const fresh = this.cursor.take(out.result.result);
      // Nothing before `endNs` matched: the next poll can start there.
      if (fresh.count === 0 && endNs > this.cursor.ns) this.cursor.ns = endNs;
      if (fresh.count > 0) ws.send(tailFrame(fresh.streams));
    } catch (err) {
      if (this.stopped) return;
      closeWithError(ws, toLokiError(err).message);
      return;
    }
    this.timer = setInterval(() => void this.poll(), this.deps.pollMs);
  }

  /** Stops polling and cancels a poll in flight. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.abort.abort();
  }

  private async poll(): Promise<void> {
    if (this.busy || this.stopped) return;
    const endNs = this.deps.nowNs() - this.delayNs;
    if (endNs < this.cursor.ns) return;
    this.busy = true;
    try {
      const out = await this.deps.run(this.source, this.params.query, {
        startNs: this.cursor.ns,
        endNs: endNs + 1n,
        stepMs: 1000,
        limit: this.batch,
        direction: "forward",
        instant: false,
        signal: this.abort.signal,
      });
      if (this.stopped || out.result.resultType !== "streams") return;
      let found = 0;
      for (const s of out.result.result) found += s.values.length;
      const fresh = this.cursor.take(out.result.result);
      // A full batch of lines already sent: they share one timestamp; look further next time.
      this.batch =
        fresh.count === 0 && found >= this.batch
          ? Math.min(this.batch * 2, MAX_POLL_BATCH)
          : POLL_BATCH;
      if (fresh.count > 0) this.ws?.send(tailFrame(fresh.streams));
      if (this.failing) log.info("Tail polls succeed again", { query: this.params.query });
      this.failing = false;
    } catch (err) {
      if (this.stopped) return;
      this.deps.pollErrors?.inc();
      // One line per run of failures, not one per poll.
      if (!this.failing) {
        log.warn("Cannot poll logs for a tail: retrying", {
          query: this.params.query,
          error: String(err),
        });
      }
      this.failing = true;
    } finally {
      this.busy = false;
    }
  }
}
