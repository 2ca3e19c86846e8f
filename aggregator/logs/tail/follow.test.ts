import { expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import type { LogFeed } from "./follow.ts";
import { TailRegistry } from "./registry.ts";

const filter = { matchers: [], lineFilters: [] };

/** A feed that records what the registry asked of it; the first `failures` opens throw. */
function recordingFeed(failures = 0) {
  const events: string[] = [];
  const feed: LogFeed = {
    open: async (_offer, sinceMs) => {
      if (failures-- > 0) {
        events.push("open failed");
        throw new Error("Cannot follow log batches: NATS is not connected yet");
      }
      events.push(`open since ${sinceMs > 0 ? "set" : "unset"}`);
      return { close: async () => void events.push("close") };
    },
  };
  return { feed, events };
}

test("the feed opens with the first tail and closes with the last", async () => {
  const { feed, events } = recordingFeed();
  const tails = new TailRegistry(undefined, feed);
  const a = tails.subscribe("default", filter, 10);
  const b = tails.subscribe("default", filter, 10);
  await tails.following();
  expect(events).toEqual(["open since set"]);
  a.close();
  await tails.following();
  expect(events).toEqual(["open since set"]);
  b.close();
  await tails.following();
  expect(events).toEqual(["open since set", "close"]);
});

test("a feed that cannot open is retried while a tail wants it", async () => {
  const { feed, events } = recordingFeed(1);
  const tails = new TailRegistry(undefined, feed);
  const sub = tails.subscribe("default", filter, 10);
  await tails.following();
  expect(events).toEqual(["open failed"]);
  for (let i = 0; i < 40 && events.length < 2; i++) await Bun.sleep(50);
  await tails.following();
  expect(events).toEqual(["open failed", "open since set"]);
  sub.close();
  await tails.following();
  expect(events.at(-1)).toBe("close");
});

test("batches from the feed reach the subscriptions of their tenant only", async () => {
  let offer: Parameters<LogFeed["open"]>[0] = () => {};
  const tails = new TailRegistry(undefined, {
    open: async (o) => {
      offer = o;
      return { close: async () => {} };
    },
  });
  const mine = tails.subscribe("a", filter, 10);
  const other = tails.subscribe("b", filter, 10);
  await tails.following();
  offer("a", [labelsFromRecord({ app: "x" })], {
    length: 1,
    stream: [0],
    timeNs: [1n],
    lines: ["hello"],
    fields: [[]],
  } as never);
  expect(mine.take().map((l) => l.line)).toEqual(["hello"]);
  expect(other.take()).toEqual([]);
});
