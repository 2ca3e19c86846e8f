/**
 * Checkpoints that never pass an unacknowledged line. Each push of a file's records is queued
 * with the offset just past them; the file's checkpoint moves to the end of the longest prefix
 * of the queue the sink has acknowledged. Bytes pushed and not yet acknowledged are counted per
 * source, and reading stops while they pass a bound: the file itself is the buffer.
 */

/** Bytes a source has pushed that the sink has not yet acknowledged. */
export class Inflight {
  bytes = 0;
  private count = 0;
  private readonly idleWaiters: (() => void)[] = [];

  /** `onRelease` runs after each acknowledgement (the source wakes its loop if it was blocked). */
  constructor(
    readonly limit: number,
    private readonly onRelease: () => void = () => {},
  ) {}

  /** Whether reading must wait for acknowledgements. */
  get full(): boolean {
    return this.bytes >= this.limit;
  }

  /** Pushes whose acknowledgement is outstanding. */
  get pending(): number {
    return this.count;
  }

  /** Counts a push of `bytes`. */
  add(bytes: number): void {
    this.bytes += bytes;
    this.count++;
  }

  /** Counts the acknowledgement of a push of `bytes`. */
  release(bytes: number): void {
    this.bytes -= bytes;
    this.count--;
    if (this.count === 0) for (const w of this.idleWaiters.splice(0)) w();
    this.onRelease();
  }

  /** Resolves true once nothing is outstanding, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

interface Entry {
  readonly end: number;
  readonly bytes: number;
  done: boolean;
}

/** One file's pushes in order, and the checkpoint they allow. */
export class DeliveryQueue {
  private entries: Entry[] = [];
  private head = 0;

  /**
   * `committed` is where the checkpoint starts; `onError` hears of a push that failed (the
   * sink is meant to settle, not reject: such a push is reported and passed over).
   */
  constructor(
    public committed: number,
    private readonly inflight: Inflight,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Pushes not yet acknowledged. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  /** Queues a push that ends at file offset `end` and carried `bytes` bytes of the file. */
  add(delivered: Promise<void>, end: number, bytes: number): void {
    const entry: Entry = { end, bytes, done: false };
    this.entries.push(entry);
    this.inflight.add(bytes);
    delivered.then(
      () => this.settle(entry),
      (error) => {
        this.onError(error);
        this.settle(entry);
      },
    );
  }

  private settle(entry: Entry): void {
    entry.done = true;
    while (this.head < this.entries.length && this.entries[this.head].done) {
      const end = this.entries[this.head++].end;
      if (end > this.committed) this.committed = end;
    }
    if (this.head > 32 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    // Released after the checkpoint moved, so a woken reader sees both.
    this.inflight.release(entry.bytes);
  }
}
