import { expect, test } from "bun:test";
import { ALWAYS_VALID, credentialsSignal, watchCredentials } from "./revalidate.ts";

test("watchCredentials() calls lost once with the reason, then checks no more", async () => {
  let asked = 0;
  const lost: string[] = [];
  const stop = watchCredentials(
    async () => (++asked >= 3 ? "revoked" : undefined),
    (why) => lost.push(why),
    10,
  );
  await Bun.sleep(120);
  stop();
  expect(lost).toEqual(["revoked"]);
  expect(asked).toBe(3);
});

test("a re-check that throws or never answers keeps the stream, and the next one still asks", async () => {
  let asked = 0;
  const lost: string[] = [];
  const stop = watchCredentials(
    () => {
      asked++;
      if (asked === 1) return Promise.reject(new Error("NATS away"));
      if (asked === 2) return new Promise<undefined>(() => {}); // never settles
      return Promise.resolve(asked >= 4 ? "expired" : undefined);
    },
    (why) => lost.push(why),
    10,
  );
  await Bun.sleep(200);
  stop();
  expect(lost).toEqual(["expired"]);
  expect(asked).toBe(4);
});

test("credentialsSignal() aborts on the outer signal or a failed re-check, with the reason", async () => {
  const outer = new AbortController();
  const quiet = credentialsSignal(outer.signal, ALWAYS_VALID, 10);
  outer.abort();
  expect(quiet.signal.aborted).toBe(true);
  expect(quiet.reason()).toBeUndefined();
  quiet.stop();
  const failing = credentialsSignal(new AbortController().signal, async () => "gone", 10);
  await Bun.sleep(50);
  expect(failing.signal.aborted).toBe(true);
  expect(failing.reason()).toBe("gone");
  failing.stop();
});
