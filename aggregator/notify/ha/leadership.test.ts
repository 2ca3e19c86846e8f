import { expect, test } from "bun:test";
import { ManualClock } from "../dispatch/clock.ts";
import { Leadership, type NotifierLease } from "./leadership.ts";

const TTL = 10_000;

/** A lease always granted, recording releases; `renewal` holds the next acquire open. */
function lease() {
  const events: string[] = [];
  let renewal: Promise<void> | null = null;
  const l: NotifierLease & { events: string[]; hold(p: Promise<void>): void } = {
    events,
    hold: (p) => {
      renewal = p;
    },
    acquire: async () => {
      const open = renewal;
      renewal = null;
      if (open) await open;
      events.push("acquired");
      return true;
    },
    release: async () => {
      events.push("released");
    },
  };
  return l;
}

test("a holder gives the lease up only after its dispatcher stopped", async () => {
  const clock = new ManualClock(1_000);
  const l = lease();
  const hooks = {
    gain: async () => {},
    lose: async () => {
      l.events.push("dispatcher stopped");
    },
  };
  const leader = new Leadership(l, clock, TTL, hooks);
  leader.start();
  await clock.advance(1);
  expect(leader.holding).toBe(true);
  await leader.stop();
  expect(l.events).toEqual(["acquired", "dispatcher stopped", "released"]);
});

test("a holder whose dispatcher failed to stop keeps the lease until its TTL", async () => {
  const clock = new ManualClock(1_000);
  const l = lease();
  const hooks = {
    gain: async () => {},
    lose: async () => {
      throw new Error("cannot stop the dispatcher");
    },
  };
  const leader = new Leadership(l, clock, TTL, hooks);
  leader.start();
  await clock.advance(1);
  await leader.stop();
  expect(l.events).toEqual(["acquired"]);
});

test("a renewal on its way when the holder stops lands before the release", async () => {
  const clock = new ManualClock(1_000);
  const l = lease();
  const leader = new Leadership(l, clock, TTL, { gain: async () => {}, lose: async () => {} });
  leader.start();
  await clock.advance(1);
  const { promise: answered, resolve: answer } = Promise.withResolvers<void>();
  l.hold(answered);
  await clock.advance(TTL / 4); // the renewal is asked for, and waits for its answer
  const stopping = leader.stop();
  await Bun.sleep(5);
  expect(l.events).toEqual(["acquired"]);
  answer();
  await stopping;
  expect(l.events).toEqual(["acquired", "acquired", "released"]);
});
