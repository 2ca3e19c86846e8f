import { expect, test } from "bun:test";
import { HaproxyCollector, NoStatsError } from "./collector.ts";

const c = new HaproxyCollector({ socket: "/run/haproxy/admin.sock" });

test.each([
  [
    "no stats at all",
    new NoStatsError("HAProxy has no stats socket and no stats page: add …"),
    "add …",
  ],
  [
    "a socket the agent may not open",
    new Error("Cannot ask HAProxy's stats socket /run/haproxy/admin.sock: EACCES"),
    "add its user to the socket's group (haproxy on Debian)",
  ],
])("refusal() says what to do for %s", (_, err, hint) => {
  expect(c.refusal(err)).toContain(hint);
});

test("refusal() is null for a server that is down: it is not the agent's rights", () => {
  expect(c.refusal(new Error("Cannot ask HAProxy's stats socket /x: ECONNREFUSED"))).toBeNull();
});

test("a socket that does not exist fails the collection, naming it", async () => {
  const missing = new HaproxyCollector({ socket: "/nonexistent/admin.sock" });
  const w = { family() {}, sample() {} };
  await expect(missing.collect(w, 1_000)).rejects.toThrow(
    "Cannot ask HAProxy's stats socket /nonexistent/admin.sock",
  );
});
