/**
 * The time source of the dispatcher and its receivers: the wall clock in production, a
 * manual clock in tests so that group_wait, group_interval and retries are stepped, not
 * waited for.
 */
import { MAX_TIMER_MS } from "../../../shared/runtime/schedule.ts";

/** A scheduled call that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/** Reads the time and schedules calls. */
export interface Clock {
  /** Unix ms. */
  now(): number;
  /** Calls `fn` after `ms`. */
  after(ms: number, fn: () => void): Timer;
}

/**
 * The wall clock and the runtime's timers. A longer delay than a timer keeps is waited for in
 * steps: a `group_interval: 30d` fired at once, and its group ticked a thousand times a second.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const at = Date.now() + Math.max(0, ms);
    let t: ReturnType<typeof setTimeout>;
    const arm = () => {
      const left = at - Date.now();
      t = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
    };
    arm();
    return { cancel: () => clearTimeout(t) };
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when a test advances it; due calls run in time order. */
export class ManualClock implements Clock {
  private pending: Pending[] = [];
  private seq = 0;

  constructor(private time = 0) {}

  /** Unix ms. */
  now(): number {
    return this.time;
  }

  /** Schedules `fn` at now + `ms`. */
  after(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.push(p);
    return { cancel: () => (this.pending = this.pending.filter((x) => x !== p)) };
  }

  /**
   * Moves the time forward by `ms`, running each due call at its own time and letting the
   * promises it starts settle before the next one.
   */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.pending
        .filter((p) => p.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
    await settle();
  }
}

/** Lets queued promise callbacks run (a few macrotask turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
