import { expect, test } from "bun:test";
import { logger } from "../log/log.ts";
import { untilAborted } from "./signal.ts";
import { StopStack, stopEach } from "./stop_stack.ts";

test("StopStack.unwind() stops the newest first and goes on past a stop that fails", async () => {
  const stack = new StopStack(logger("test"));
  const stopped: string[] = [];
  stack.push("nats-server", () => stopped.push("nats-server"));
  stack.push("the aggregator", () => {
    throw new Error("flush failed");
  });
  stack.push("the agent", async () => {
    await Bun.sleep(5);
    stopped.push("the agent");
  });
  await stack.unwind();
  expect(stopped).toEqual(["the agent", "nats-server"]);
});

test("StopStack.unwind() stops each thing once", async () => {
  const stack = new StopStack(logger("test"));
  let stops = 0;
  stack.push("x", () => stops++);
  await stack.unwind();
  await stack.unwind();
  expect(stops).toBe(1);
});

test("stopEach() names a step that keeps the stop waiting, and goes on past one that fails", async () => {
  const lines: string[] = [];
  const record = (level: string) => (msg: string) => lines.push(`${level} ${msg}`);
  const log = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
  const stopped: string[] = [];
  await stopEach(
    log,
    [
      ["the consumer", () => Bun.sleep(70).then(() => stopped.push("the consumer"))],
      ["the store", () => Promise.reject(new Error("disk full"))],
      ["the server", () => stopped.push("the server")],
    ],
    30,
  );
  expect(stopped).toEqual(["the consumer", "the server"]);
  // Every 30 ms while the consumer's 70 ms stop runs: twice, more when timers run late.
  const waits = lines.filter((l) => l === "warn Still stopping: waiting for the consumer");
  expect(waits.length).toBeGreaterThanOrEqual(1);
  expect(lines).toEqual([...waits, "error Cannot stop the store: disk full"]);
});

test("untilAborted() gives up on work that never ends when the signal aborts", async () => {
  const controller = new AbortController();
  const waiting = untilAborted(new Promise(() => {}), controller.signal);
  controller.abort("SIGINT");
  await expect(waiting).rejects.toThrow("Cannot go on starting: SIGINT received");
});

test("untilAborted() passes on the work's value and error", async () => {
  const signal = new AbortController().signal;
  expect(await untilAborted(Promise.resolve(7), signal)).toBe(7);
  await expect(untilAborted(Promise.reject(new Error("no")), signal)).rejects.toThrow("no");
});
