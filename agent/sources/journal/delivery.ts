/**
 * The journal's delivery queue: pushes in order, each with the cursor of its last entry; the
 * checkpoint is the cursor of the longest acknowledged prefix, so it never passes an entry
 * the sink still holds.
 */

interface Push {
  readonly cursor: string;
  done: boolean;
}

/** Pushes awaiting acknowledgement and the cursor they allow. */
export class CursorQueue {
  private pushes: Push[] = [];
  /** The cursor every entry up to which was delivered; null before the first. */
  committed: string | null;

  constructor(committed: string | null) {
    this.committed = committed;
  }

  /** Pushes not yet acknowledged. */
  get pending(): number {
    return this.pushes.length;
  }

  /** Queues a push ending at `cursor`, settled by `delivered` (failures were counted by the sink). */
  add(delivered: Promise<void>, cursor: string): void {
    const push: Push = { cursor, done: false };
    this.pushes.push(push);
    const settle = () => {
      push.done = true;
      let n = 0;
      while (n < this.pushes.length && this.pushes[n].done)
        this.committed = this.pushes[n++].cursor;
      if (n > 0) this.pushes = this.pushes.slice(n);
    };
    delivered.then(settle, settle);
  }
}
