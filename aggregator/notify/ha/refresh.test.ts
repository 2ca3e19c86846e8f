import { describe, expect, test } from "bun:test";
import { receiveAlert, type StoredAlert } from "../alerts.ts";
import { LAPSE_MARGIN, mustWrite, refreshAt } from "./refresh.ts";

const V = 240_000; // Prometheus's validity: four resend delays of 1 min
const sent = (now: number, over: Partial<StoredAlert> = {}): StoredAlert => ({
  ...receiveAlert(
    { labels: { alertname: "X" }, annotations: { summary: "s" }, startsAt: 1, endsAt: now + V },
    now,
    300_000,
  ),
  ...over,
});

describe("mustWrite()", () => {
  const shared = sent(0); // endsAt V
  const cases: [string, StoredAlert | undefined, StoredAlert, number, boolean][] = [
    ["a new alert is written", undefined, sent(15_000), 15_000, true],
    ["a re-send that only extends endsAt waits", shared, sent(15_000), 15_000, false],
    ["a re-send with nothing new waits", shared, { ...shared, updatedAt: 15_000 }, 15_000, false],
    [
      "an extension is written once the shared copy is half spent",
      shared,
      sent(121_000),
      121_000,
      true,
    ],
    ["just before half spent, it still waits", shared, sent(119_000), 119_000, false],
    [
      "a changed annotation is written",
      shared,
      sent(15_000, { annotations: { summary: "t" } }),
      15_000,
      true,
    ],
    ["a changed start is written", shared, sent(15_000, { startsAt: 2 }), 15_000, true],
    [
      "a changed generatorURL is written",
      shared,
      sent(15_000, { generatorURL: "g" }),
      15_000,
      true,
    ],
    [
      "an end from resolve_timeout instead of the sender is written",
      shared,
      sent(15_000, { timeout: true }),
      15_000,
      true,
    ],
    ["a resolve is written", shared, sent(15_000, { endsAt: 15_000 }), 15_000, true],
    ["an earlier end is written", shared, sent(15_000, { endsAt: V - 1 }), 15_000, true],
    [
      "an extension of a shared copy that already ended is written",
      shared,
      sent(V + 1),
      V + 1,
      true,
    ],
    [
      "an extension is written within the margin of the shared end, however long it extends",
      shared,
      sent(0, { endsAt: 100 * V }),
      V - LAPSE_MARGIN + 1,
      true,
    ],
  ];
  test.each(cases)("%s", (_name, before, local, now, want) => {
    expect(mustWrite(before, local, now)).toBe(want);
  });
});

describe("refreshAt()", () => {
  test.each([
    ["a re-send 15 s later", 15_000, V, V],
    ["a re-send 100 s later", 100_000, V, V],
    ["an end far beyond the validity", 1_000, 100 * V, V],
    ["a short validity", 1_000, 12_000, 12_000],
  ])("is where mustWrite() turns true: %s", (_name, at, validity, sharedEnd) => {
    const shared = sent(0, { endsAt: sharedEnd });
    const local = sent(at, { endsAt: at + validity });
    const due = refreshAt(shared, local);
    expect(mustWrite(shared, local, Math.max(at, due - 1))).toBe(due - 1 < at);
    expect(mustWrite(shared, local, due + 1)).toBe(true);
  });
});
