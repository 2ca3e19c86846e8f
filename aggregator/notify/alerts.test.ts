import { describe, expect, test } from "bun:test";
import { AlertStore, mergeAlerts, receiveAlert, type StoredAlert } from "./alerts.ts";

const T = 1_000_000;
const TIMEOUT = 300_000;
const labels = { alertname: "X" };
const stored = (over: Partial<StoredAlert>): StoredAlert => ({
  ...receiveAlert({ labels }, T, TIMEOUT),
  ...over,
});

describe("receiveAlert()", () => {
  test.each([
    ["no times: starts now, ends after resolve_timeout", {}, T, T + TIMEOUT, true],
    ["only endsAt: starts at its end", { endsAt: T - 5 }, T - 5, T - 5, false],
    ["both times kept", { startsAt: T - 9, endsAt: T + 9 }, T - 9, T + 9, false],
    ["only startsAt: ends after resolve_timeout", { startsAt: T - 9 }, T - 9, T + TIMEOUT, true],
  ])("%s", (_, times, startsAt, endsAt, timeout) => {
    expect(receiveAlert({ labels, ...times }, T, TIMEOUT)).toMatchObject({
      startsAt,
      endsAt,
      timeout,
      updatedAt: T,
    });
  });
});

describe("mergeAlerts()", () => {
  test.each([
    [
      "the newer alert's end wins over an older timeout end",
      stored({ startsAt: T - 100, endsAt: T + 500, updatedAt: T - 50, timeout: true }),
      stored({ startsAt: T - 10, endsAt: T + 200, updatedAt: T, timeout: false }),
      { startsAt: T - 100, endsAt: T + 200 },
    ],
    [
      "an older explicit later end wins over a firing newer one",
      stored({ startsAt: T - 100, endsAt: T + 900, updatedAt: T - 50, timeout: false }),
      stored({ startsAt: T - 10, endsAt: T + 200, updatedAt: T }),
      { startsAt: T - 100, endsAt: T + 900 },
    ],
    [
      "a resolve keeps the first start",
      stored({ startsAt: T - 100, endsAt: T + TIMEOUT, updatedAt: T - 50 }),
      stored({ startsAt: T, endsAt: T, updatedAt: T }),
      { startsAt: T - 100, endsAt: T },
    ],
  ])("%s", (_, a, b, want) => {
    expect(mergeAlerts(a, b, T)).toMatchObject(want);
    expect(mergeAlerts(b, a, T)).toMatchObject(want);
  });
});

describe("AlertStore", () => {
  test("put() merges an overlapping re-send and collect() drops resolved alerts", () => {
    const store = new AlertStore();
    const seen: StoredAlert[] = [];
    store.subscribe((a) => seen.push(a));
    store.put([receiveAlert({ labels }, T, TIMEOUT)], T);
    store.put([receiveAlert({ labels, endsAt: T + 10 }, T + 10, TIMEOUT)], T + 10);
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0]).toMatchObject({ startsAt: T, endsAt: T + 10 });
    expect(seen).toHaveLength(2);
    expect(store.collect(T + 5)).toBe(0);
    expect(store.collect(T + 10)).toBe(1);
    expect(store.size).toBe(0);
  });

  test("watch() tells each change: added, updated, resolved, added again, removed", () => {
    const store = new AlertStore();
    const kinds: string[] = [];
    const stop = store.watch((c) => kinds.push(`${c.kind}:${c.alert.fingerprint}`));
    const fp = receiveAlert({ labels }, T, TIMEOUT).fingerprint;
    store.put([receiveAlert({ labels }, T, TIMEOUT)], T);
    store.put([receiveAlert({ labels, annotations: { a: "b" } }, T + 1, TIMEOUT)], T + 1);
    store.put([receiveAlert({ labels, endsAt: T + 2 }, T + 2, TIMEOUT)], T + 2);
    store.replace(receiveAlert({ labels, startsAt: T + 3 }, T + 3, TIMEOUT), T + 3);
    store.delete(fp);
    stop();
    store.put([receiveAlert({ labels }, T + 4, TIMEOUT)], T + 4);
    expect(kinds).toEqual(
      ["added", "updated", "resolved", "added", "removed"].map((k) => `${k}:${fp}`),
    );
  });
});
