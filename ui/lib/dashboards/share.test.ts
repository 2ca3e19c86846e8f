import { expect, test } from "bun:test";
import { InFlight } from "./share.ts";

/** A call that answers when told, counting how often it was made and whether it was aborted. */
function pending() {
  const calls: { signal: AbortSignal; answer(v: string): void; fail(e: Error): void }[] = [];
  const call = (signal: AbortSignal) =>
    new Promise<string>((answer, fail) => calls.push({ signal, answer, fail }));
  return { calls, call };
}

/** Asks `key` again and checks that it is sent as a new call and gets that call's answer. */
async function expectOwnCall(shared: InFlight, p: ReturnType<typeof pending>, key: string) {
  const before = p.calls.length;
  const c = shared.run(key, undefined, p.call);
  expect(p.calls.length).toBe(before + 1);
  p.calls[before].answer("own");
  expect(await c).toBe("own");
}

test("InFlight shares one call between identical keys and gives both the answer", async () => {
  const shared = new InFlight();
  const p = pending();
  const a = shared.run("q", undefined, p.call);
  const b = shared.run("q", undefined, p.call);
  expect(p.calls.length).toBe(1);
  p.calls[0].answer("x");
  expect([await a, await b]).toEqual(["x", "x"]);
  expect(shared.size).toBe(0);
});

test("InFlight sends different keys, and a key again once its answer came, as calls of their own", async () => {
  const shared = new InFlight();
  const p = pending();
  const a = shared.run("q1", undefined, p.call);
  const b = shared.run("q2", undefined, p.call);
  p.calls[0].answer("1");
  p.calls[1].answer("2");
  expect([await a, await b]).toEqual(["1", "2"]);
  await expectOwnCall(shared, p, "q1");
});

test("InFlight turned off sends every call alone, as the reference", async () => {
  const shared = new InFlight();
  shared.enabled = false;
  const p = pending();
  const a = shared.run("q", undefined, p.call);
  const b = shared.run("q", undefined, p.call);
  expect(p.calls.length).toBe(2);
  p.calls[0].answer("x");
  p.calls[1].answer("x");
  expect([await a, await b]).toEqual(["x", "x"]);
});

test("InFlight aborts the shared call only when every waiting caller has gone", async () => {
  const shared = new InFlight();
  const p = pending();
  const one = new AbortController();
  const two = new AbortController();
  const a = shared.run("q", one.signal, p.call);
  const b = shared.run("q", two.signal, p.call);
  one.abort(new Error("one left"));
  await expect(a).rejects.toThrow("one left");
  expect(p.calls[0].signal.aborted).toBe(false);
  two.abort(new Error("two left"));
  await expect(b).rejects.toThrow("two left");
  expect(p.calls[0].signal.aborted).toBe(true);
  // A caller after the abort starts a call of its own.
  await expectOwnCall(shared, p, "q");
});

test("InFlight hands a failure to every caller sharing the call", async () => {
  const shared = new InFlight();
  const p = pending();
  const a = shared.run("q", undefined, p.call);
  const b = shared.run("q", undefined, p.call);
  p.calls[0].fail(new Error("bad query"));
  const [ra, rb] = await Promise.allSettled([a, b]);
  expect([ra.status, rb.status]).toEqual(["rejected", "rejected"]);
  expect(String((rb as PromiseRejectedResult).reason)).toContain("bad query");
});
