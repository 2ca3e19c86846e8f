/**
 * The tail registry: clients following a log query subscribe here, and the ingest path
 * offers every decoded log batch. Each subscription's stream matchers and line filters are
 * evaluated per ingested line, and a matching line is queued for that client, synchronously
 * and without waiting on anyone: a client whose queue is full is dropped (and counted), so a
 * slow reader never slows ingest; nor does a costly filter regex, held to a share of each
 * second (TAIL_FILTER_MS_PER_SECOND). The rest of a query's pipeline runs on the client's side of
 * the queue (live.ts), off the ingest path.
 */
import type { DecodedLogs } from "../../../shared/codec/decode_logs.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import { type Budget, withBudget } from "../../../shared/runtime/budget.ts";
import { compileMatchers } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import { compileLineFilters } from "../logql/line_filter.ts";
import type { LineFilter } from "../source.ts";
import { FeedSwitch, type LogFeed } from "./follow.ts";

/** Which lines a subscription wants: a stream selector and the line filters before any parser. */
export interface TailFilter {
  readonly matchers: readonly LabelMatcher[];
  readonly lineFilters: readonly LineFilter[];
}

/** A line queued for a client, with the time it arrived (Unix ms). */
export interface TailedLine {
  readonly timeNs: bigint;
  readonly labels: Labels;
  readonly line: string;
  readonly fields: readonly string[];
  readonly arrivedMs: number;
}

/** Thrown to a client that read too slowly: Connect answers it `resource_exhausted`. */
export class SlowTailError extends Error {
  constructor(maxQueued: number) {
    super(
      `Cannot keep tailing: the client reads slower than lines arrive (its queue of ${maxQueued} lines is full)`,
    );
    this.name = "SlowTailError";
  }
}

/**
 * What one tail's line filters may cost the ingest path, in ms of each second: half a core.
 * Only a filter that runs the regex engine is held to it (shared/runtime/budget.ts); literal
 * text is never that costly. The time is the wall clock's, which a loaded machine stretches: a
 * plain regex over 40,000 lines took 180 ms here alone and 330 ms beside a full test run.
 */
export const TAIL_FILTER_MS_PER_SECOND = 500;

/** Thrown to a client whose line filters cost ingest too much: Connect `resource_exhausted`. */
export class CostlyTailError extends Error {
  constructor() {
    super(
      `Cannot keep tailing: the query's line filters cost more than ${TAIL_FILTER_MS_PER_SECOND} ms of every second of ingest; filter with a simpler regex, or with |= for plain text`,
    );
    this.name = "CostlyTailError";
  }
}

/** One client's subscription: its filter and its bounded queue. */
export class TailSubscription {
  private queue: TailedLine[] = [];
  private wake: (() => void) | null = null;
  /** Why it ended: the queue overflowed, or the filters cost too much; undefined while open. */
  failure: SlowTailError | CostlyTailError | undefined;
  closed = false;
  /** Filter time spent in the second that began at `windowStart` (performance.now() ms). */
  private spentMs = 0;
  private windowStart = 0;

  constructor(
    readonly tenant: string,
    readonly match: (labels: Labels) => boolean,
    readonly lineTest: (line: string) => boolean,
    readonly maxQueued: number,
    private readonly onClose: (s: TailSubscription) => void,
  ) {}

  /** Lines queued now, taken out of the queue. */
  take(): TailedLine[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Resolves once a line is queued, the subscription ends, or `signal` aborts. */
  async ready(signal: AbortSignal): Promise<void> {
    if (this.queue.length > 0 || this.closed || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.wake = null;
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Ends the subscription; nothing more is queued. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.wake?.();
  }

  /** Queues a line; false (and the subscription dropped) when the queue is full. */
  push(line: TailedLine): boolean {
    if (this.queue.length >= this.maxQueued) {
      this.fail(new SlowTailError(this.maxQueued));
      return false;
    }
    this.queue.push(line);
    if (this.queue.length === 1) this.wake?.();
    return true;
  }

  /** Ends the subscription with `failure`, dropping what it held. */
  fail(failure: SlowTailError | CostlyTailError): void {
    this.failure = failure;
    this.queue = [];
    this.close();
  }

  /**
   * The budget of filtering one batch that began at `began`: it throws a CostlyTailError once
   * this second's filter time with the batch's so far passes the share.
   */
  filterBudget(began: number): Budget {
    return {
      check: () => {
        const now = performance.now();
        if (this.spent(now) + (now - began) > TAIL_FILTER_MS_PER_SECOND) {
          throw new CostlyTailError();
        }
      },
    };
  }

  /** Adds the time a batch's filtering took to the second it ended in. */
  charge(began: number, ended: number): void {
    this.spentMs = this.spent(ended) + (ended - began);
  }

  private spent(now: number): number {
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.spentMs = 0;
    }
    return this.spentMs;
  }
}

/**
 * The subscriptions of every tenant, fed by the ingest path: through `offer`, or, given a
 * feed, from that feed while any subscription is open.
 */
export class TailRegistry {
  private readonly byTenant = new Map<string, Set<TailSubscription>>();
  private readonly feed?: FeedSwitch;
  private readonly dropped?: Metric;
  private readonly queued?: Metric;
  private readonly open?: Metric;
  private readonly costly?: Metric;
  private count = 0;

  constructor(registry?: Registry, feed?: LogFeed) {
    this.feed = feed && new FeedSwitch(feed, (t, s, l) => this.offer(t, s, l));
    this.dropped = registry?.counter(
      "outpost_logs_tail_dropped_total",
      "Tails ended because their client read slower than matching lines arrived.",
    );
    this.queued = registry?.counter(
      "outpost_logs_tail_lines_total",
      "Ingested log lines queued for tailing clients (a line counts once per client).",
    );
    this.open = registry?.gauge("outpost_logs_tail_subscriptions", "Tails following ingest now.");
    this.costly = registry?.counter(
      "outpost_logs_tail_costly_total",
      `Tails ended because their line filters cost the ingest path more than ${TAIL_FILTER_MS_PER_SECOND} ms a second.`,
    );
    this.dropped?.inc(0);
    this.queued?.inc(0);
    this.costly?.inc(0);
  }

  /** Subscriptions open now. */
  get size(): number {
    return this.count;
  }

  /** The tails a tenant has open. */
  openFor(tenant: string): number {
    return this.byTenant.get(tenant)?.size ?? 0;
  }

  /** Follows `filter` in `tenant`'s ingested lines, queueing at most `maxQueued` lines. */
  subscribe(tenant: string, filter: TailFilter, maxQueued: number): TailSubscription {
    const match = compileMatchers(filter.matchers);
    const sub = new TailSubscription(
      tenant,
      match,
      compileLineFilters(filter.lineFilters),
      maxQueued,
      (s) => this.remove(s),
    );
    let set = this.byTenant.get(tenant);
    if (set === undefined) {
      set = new Set();
      this.byTenant.set(tenant, set);
    }
    set.add(sub);
    this.count++;
    this.open?.set(this.count);
    if (this.count === 1) void this.feed?.want(true);
    return sub;
  }

  /** Resolves once the feed is open for the subscriptions made so far (at once without one). */
  following(): Promise<void> {
    return this.feed?.settled() ?? Promise.resolve();
  }

  /** Offers one decoded batch of `tenant`; `streams[i]` are the labels of stream index i. */
  offer(tenant: string, streams: readonly Labels[], logs: DecodedLogs): void {
    const subs = this.byTenant.get(tenant);
    if (subs === undefined || subs.size === 0) return;
    const arrivedMs = Date.now();
    for (const sub of [...subs]) {
      // A costly regex among the filters is charged to this tail, not to ingest at large.
      const began = performance.now();
      try {
        withBudget(sub.filterBudget(began), () => this.queueWanted(sub, streams, logs, arrivedMs));
      } catch (err) {
        if (!(err instanceof CostlyTailError)) throw err;
        sub.fail(err);
        this.costly?.inc();
        continue;
      }
      sub.charge(began, performance.now());
    }
  }

  /** Queues the lines of a batch that `sub` wants. */
  private queueWanted(
    sub: TailSubscription,
    streams: readonly Labels[],
    logs: DecodedLogs,
    arrivedMs: number,
  ): void {
    // One matcher evaluation per stream of the batch, not per line.
    const wanted = streams.map((labels) => sub.match(labels));
    let n = 0;
    for (let i = 0; i < logs.length; i++) {
      const s = logs.stream[i];
      if (!wanted[s] || !sub.lineTest(logs.lines[i])) continue;
      const line = {
        timeNs: logs.timeNs[i],
        labels: streams[s],
        line: logs.lines[i],
        fields: logs.fields[i],
        arrivedMs,
      };
      if (!sub.push(line)) {
        this.dropped?.inc();
        break;
      }
      n++;
    }
    this.queued?.inc(n);
  }

  private remove(sub: TailSubscription): void {
    const set = this.byTenant.get(sub.tenant);
    if (set?.delete(sub)) {
      this.count--;
      this.open?.set(this.count);
      if (this.count === 0) void this.feed?.want(false);
    }
    if (set?.size === 0) this.byTenant.delete(sub.tenant);
  }
}
