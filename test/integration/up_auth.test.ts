/**
 * `outpost up --auth`: the aggregator asks for credentials on loopback too, and the file `up`
 * writes says so; without the flag the same data dir opens without a login again, because
 * `up` writes its aggregator config from its flags at every start.
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pollValue } from "../harness/poll.ts";
import { killLeftovers, startUp, stopUp } from "../harness/up_run.ts";

afterAll(killLeftovers);

test("up --auth asks for credentials on loopback, and says so; its token is let in", async () => {
  const started = await startUp("outpost-up-auth-", ["--auth"]);
  await started.run.waitFor({ output: "Outpost is up" });
  expect(started.run.output()).toContain(
    "login          required (log in as the admin below, or with its API token)",
  );
  expect(readFileSync(join(started.data, "aggregator.yaml"), "utf8")).toContain(
    "# Written by `outpost up` at every start",
  );
  const query = `${started.url}/api/v1/query?query=up`;
  expect((await fetch(query)).status).toBe(401);
  const token = readFileSync(join(started.data, "admin.token"), "utf8").trim();
  const authorized = await fetch(query, { headers: { Authorization: `Bearer ${token}` } });
  expect(authorized.status).toBe(200);
  // up's agent scrapes the aggregator with the admin's token: its up is 1, not a TargetDown.
  const own = `${started.url}/api/v1/query?query=${encodeURIComponent('up{job="outpost-aggregator"}')}`;
  const answer = await pollValue(
    async () =>
      (await (await fetch(own, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        data: { result: { value: [number, string] }[] };
      },
    (a) => a.data.result.length > 0,
    30_000,
  );
  expect(answer.data.result.map((r) => r.value[1])).toEqual(["1"]);
  expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [] });
}, 60_000);
