import { describe, expect, test } from "bun:test";
import { PromQLError } from "../value.ts";
import { Admission } from "./admission.ts";

const FAR = () => performance.now() + 60_000;

describe("Admission", () => {
  test("admits queries up to its slots and the rest in arrival order as slots free", async () => {
    const admission = new Admission(2, 1);
    const a = await admission.enter("user", FAR(), undefined);
    const b = await admission.enter("user", FAR(), undefined);
    const order: string[] = [];
    const noted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const c = admission.enter("user", FAR(), undefined).then(noted("c"));
    const d = admission.enter("user", FAR(), undefined).then(noted("d"));
    await Bun.sleep(5);
    expect(order).toEqual([]);
    expect(admission.load("user")).toEqual({ running: 2, waiting: 2 });
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(["c", "d"]);
    expect(admission.load("user")).toEqual({ running: 0, waiting: 0 });
  });

  test("a query that waits past its deadline fails as Prometheus's queue timeout", async () => {
    const admission = new Admission(1, 1);
    const held = await admission.enter("user", FAR(), undefined);
    const error = await admission.enter("user", performance.now() + 20, undefined).catch((e) => e);
    expect(error).toBeInstanceOf(PromQLError);
    expect([error.type, error.message]).toEqual(["timeout", "query timed out in query queue"]);
    expect(admission.load("user")).toEqual({ running: 1, waiting: 0 });
    held();
  });

  test("a query canceled while it waits leaves the queue", async () => {
    const admission = new Admission(1, 1);
    const held = await admission.enter("user", FAR(), undefined);
    const abort = new AbortController();
    const waiting = admission.enter("user", FAR(), abort.signal).catch((e) => e);
    abort.abort();
    const error = await waiting;
    expect([error.type, error.message]).toEqual(["canceled", "query was canceled in query queue"]);
    held();
    expect(admission.load("user")).toEqual({ running: 0, waiting: 0 });
  });

  test("rule evaluation has slots of its own while user queries fill theirs", async () => {
    const admission = new Admission(1, 1);
    const user = await admission.enter("user", FAR(), undefined);
    const rule = await admission.enter("rule", performance.now() + 1_000, undefined);
    expect(admission.load("rule")).toEqual({ running: 1, waiting: 0 });
    rule();
    user();
  });

  test("releasing a slot twice frees it once", async () => {
    const admission = new Admission(1, 1);
    const release = await admission.enter("user", FAR(), undefined);
    release();
    release();
    expect(admission.load("user")).toEqual({ running: 0, waiting: 0 });
  });
});
