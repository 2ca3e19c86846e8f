/**
 * The deadline of the request a piece of work serves, known wherever that work runs without
 * being passed down to it. A user's regex is the one cost a request cannot bound by what it
 * reads: four runs of a thousand `.?` cost half a second on a 220-character label value, and
 * the regex runs deep in storage (an index's values, a cached file's series, a log line), far
 * from the query that brought it, in loops that never give the thread back. The regex engine
 * charges each match to the request it serves ({@link spend}, shared/regex/regex.ts), so a
 * query's costly regex ends at the query's deadline, and the loops that run it give other work
 * turns once it has cost a slice ({@link heavy}). Work outside any budget (relabeling on the
 * agent, rule loading) is not checked.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Units charged between two reads of the clock. A unit is one instruction of a regex's program
 * over one character, what RE2's slowest engine steps through; it takes some 0.3 us here
 * (2026-11-27), so a check every 50,000 units is one every 15 ms at worst, while a cheap
 * regex over short values reads the clock once in hundreds of matches (a clock read costs
 * 0.3 us on these VMs).
 */
export const UNITS_PER_CHECK = 50_000;

/** What a request may still spend: `check()` throws once it must stop (deadline, canceled). */
export interface Budget {
  check(): void;
}

interface Held {
  readonly budget: Budget;
  units: number;
  heavy: boolean;
}

const current = new AsyncLocalStorage<Held>();

/** Runs `work` (and everything it awaits) under `budget`. */
export function withBudget<T>(budget: Budget, work: () => T): T {
  return current.run({ budget, units: 0, heavy: false }, work);
}

/**
 * Charges `units` of work to the request running now, checking its budget (which throws once
 * it is spent) every {@link UNITS_PER_CHECK} units; nothing outside a budget.
 */
export function spend(units: number): void {
  const held = current.getStore();
  if (held === undefined) return;
  held.units += units;
  if (held.units < UNITS_PER_CHECK) return;
  held.units = 0;
  held.heavy = true;
  held.budget.check();
}

/**
 * True once, after the work running now was charged a check's worth of units: a loop that
 * counts its items before it reads the clock (shared/runtime/turns.ts) asks for a turn sooner
 * when each item is costly.
 */
export function heavy(): boolean {
  const held = current.getStore();
  if (held === undefined || !held.heavy) return false;
  held.heavy = false;
  return true;
}

/** A budget that ends at `deadline` (a `performance.now()` time) or when `signal` aborts. */
export function deadlineBudget(
  deadline: number,
  signal: AbortSignal | undefined,
  timedOut: () => Error,
): Budget {
  return {
    check() {
      if (signal?.aborted) throw signal.reason;
      if (performance.now() > deadline) throw timedOut();
    },
  };
}
