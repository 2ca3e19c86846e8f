/**
 * AdminService on an aggregator with authentication off (`outpost up`'s loopback default): the
 * caller is nobody in the user store, so a token must name its owner, and the refusal says so.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

let nats: NatsServerHandle;
let agg: Aggregator & { url: string };
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-admin-off-"));
  nats = await startNatsServer();
  agg = await startInProcessAggregator(dir, nats.url, "");
  await agg.auth!.addUser("alice", "editor", "a long enough password");
}, 30_000);

afterAll(async () => {
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const createToken = (body: unknown) =>
  fetch(`${agg.url}/outpost.admin.v1.AdminService/CreateToken`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

test("a token without an owner is refused in words that say to name one", async () => {
  const refused = await createToken({ name: "t1" });
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { message: string }).message).toBe(
    "Cannot create a token without an owner: authentication is off, so no user is signed in; name an existing user as its owner",
  );
  const made = await createToken({ name: "t1", owner: "alice" });
  expect(made.status).toBe(200);
  expect(((await made.json()) as { secret: string }).secret).toStartWith("opt_");
});
