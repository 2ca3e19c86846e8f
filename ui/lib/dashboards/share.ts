/**
 * One call for identical queries in flight at once: two panels of a dashboard that ask the same
 * query over the same range and step (Node Exporter Full has ten such pairs) share one answer
 * instead of sending it twice. The call is aborted only when every panel waiting for it has
 * gone; an answer is not kept once it arrived (TanStack Query keeps each panel's own).
 */

interface Shared<T> {
  readonly promise: Promise<T>;
  readonly abort: AbortController;
  waiting: number;
}

/** Shares calls by key while they are in flight. */
export class InFlight {
  private readonly calls = new Map<string, Shared<unknown>>();
  /** False sends every call on its own (the reference the sharing is tested against). */
  enabled = true;

  /** Calls in flight now. */
  get size(): number {
    return this.calls.size;
  }

  /** `call`'s answer, shared with a call of the same key already in flight. */
  run<T>(key: string, signal: AbortSignal | undefined, call: (s: AbortSignal) => Promise<T>) {
    if (!this.enabled) return call(signal ?? new AbortController().signal);
    let shared = this.calls.get(key) as Shared<T> | undefined;
    if (shared === undefined) {
      const abort = new AbortController();
      const promise = call(abort.signal).finally(() => {
        if (this.calls.get(key) === shared) this.calls.delete(key);
      });
      // Handled here: a call every waiter left rejects with nobody listening.
      promise.catch(() => undefined);
      shared = { promise, abort, waiting: 0 };
      this.calls.set(key, shared as Shared<unknown>);
    }
    return this.wait(key, shared, signal);
  }

  private wait<T>(key: string, shared: Shared<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    shared.waiting++;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const settle = (finish: () => void) => {
        if (done) return;
        done = true;
        shared.waiting--;
        signal?.removeEventListener("abort", leave);
        finish();
      };
      const leave = () =>
        settle(() => {
          reject(signal?.reason);
          // The last one waiting gone: nobody wants the answer, so the server stops on it.
          if (shared.waiting > 0) return;
          if (this.calls.get(key) === shared) this.calls.delete(key);
          shared.abort.abort(signal?.reason);
        });
      signal?.addEventListener("abort", leave, { once: true });
      shared.promise.then(
        (v) => settle(() => resolve(v)),
        (e) => settle(() => reject(e)),
      );
    });
  }
}
