import { describe, expect, test } from "bun:test";
import { DeliveryQueue, Inflight } from "./delivery.ts";

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => Bun.sleep(0);

describe("DeliveryQueue", () => {
  test("moves the checkpoint only over the acknowledged prefix", async () => {
    const inflight = new Inflight(1000);
    const q = new DeliveryQueue(0, inflight, () => {});
    const d = [deferred(), deferred(), deferred()];
    for (const [i, x] of d.entries()) q.add(x.promise, (i + 1) * 10, 10);
    expect(inflight.bytes).toBe(30);
    d[1].resolve();
    d[2].resolve();
    await tick();
    expect(q.committed).toBe(0);
    expect(inflight.bytes).toBe(10);
    d[0].resolve();
    await tick();
    expect(q.committed).toBe(30);
    expect(q.pending).toBe(0);
  });

  test("passes over a rejected push and reports it", async () => {
    const errors: unknown[] = [];
    const q = new DeliveryQueue(5, new Inflight(1000), (e) => errors.push(e));
    const d = deferred();
    q.add(d.promise, 20, 15);
    d.reject(new Error("sink gone"));
    await tick();
    expect(q.committed).toBe(20);
    expect(errors).toHaveLength(1);
  });

  test("keeps order over many pushes acknowledged in reverse", async () => {
    const q = new DeliveryQueue(0, new Inflight(1e9), () => {});
    const d = Array.from({ length: 200 }, () => deferred());
    for (const [i, x] of d.entries()) q.add(x.promise, i + 1, 1);
    for (let i = 199; i >= 1; i--) d[i].resolve();
    await tick();
    expect(q.committed).toBe(0);
    d[0].resolve();
    await tick();
    expect(q.committed).toBe(200);
  });
});

describe("Inflight", () => {
  test("is full at its limit and wakes its listener on release", async () => {
    let released = 0;
    const inflight = new Inflight(10, () => released++);
    const q = new DeliveryQueue(0, inflight, () => {});
    const d = deferred();
    q.add(d.promise, 10, 10);
    expect(inflight.full).toBe(true);
    d.resolve();
    await tick();
    expect(inflight.full).toBe(false);
    expect(released).toBe(1);
  });

  test("idle() resolves when the last push settles, or false after its timeout", async () => {
    const inflight = new Inflight(10);
    const q = new DeliveryQueue(0, inflight, () => {});
    const d = deferred();
    q.add(d.promise, 1, 1);
    expect(await inflight.idle(10)).toBe(false);
    const waiting = inflight.idle(1000);
    d.resolve();
    expect(await waiting).toBe(true);
  });
});
