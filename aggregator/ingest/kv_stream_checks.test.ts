import { describe, expect, test } from "bun:test";
import type { NatsConnection } from "nats";
import { StreamChecks, streamChecksOf } from "./kv_stream_checks.ts";

describe("StreamChecks", () => {
  test("a round runs every check, one failing not stopping the others", async () => {
    const checks = new StreamChecks(60_000);
    const ran: string[] = [];
    const stops = [
      checks.add(async () => void ran.push("a")),
      checks.add(async () => {
        ran.push("b");
        throw new Error("no answer");
      }),
      checks.add(async () => void ran.push("c")),
    ];
    await checks.run();
    expect(ran.sort()).toEqual(["a", "b", "c"]);
    for (const stop of stops) stop();
    expect(checks.size).toBe(0);
  });

  test("checks run on one timer, which stops with the last check", async () => {
    const checks = new StreamChecks(20);
    let a = 0;
    let b = 0;
    const stopA = checks.add(async () => void a++);
    const stopB = checks.add(async () => void b++);
    await Bun.sleep(130);
    stopA();
    stopB();
    stopB(); // twice: no harm
    expect(a).toBeGreaterThan(1);
    // One timer: every round ran both.
    expect(b).toBe(a);
    const after = a;
    await Bun.sleep(80);
    expect(a).toBe(after);
  });

  test("a round still waiting for its answers makes the next one skip", async () => {
    const checks = new StreamChecks(60_000);
    let release!: () => void;
    let calls = 0;
    checks.add(
      () =>
        new Promise<void>((resolve) => {
          calls++;
          release = resolve;
        }),
    );
    const first = checks.run();
    await checks.run();
    expect(calls).toBe(1);
    release();
    await first;
    void checks.run();
    expect(calls).toBe(2);
    release();
  });

  test("one set of checks a connection and period", () => {
    const nc = {} as NatsConnection;
    expect(streamChecksOf(nc, 10_000)).toBe(streamChecksOf(nc, 10_000));
    expect(streamChecksOf(nc, 500)).not.toBe(streamChecksOf(nc, 10_000));
    expect(streamChecksOf({} as NatsConnection, 10_000)).not.toBe(streamChecksOf(nc, 10_000));
  });
});
