/**
 * `outpost up` whose NATS port is taken (the machine runs a NATS of its own) takes another, and
 * the same one again at the next start: agents enrolled against it keep working, and
 * `outpost agent enroll` names it.
 */
import { afterAll, expect, test } from "bun:test";
import { createServer } from "node:net";
import { runOutpost } from "../harness/outpost_cli.ts";
import { killLeftovers, startUp, stopUp } from "../harness/up_run.ts";

afterAll(killLeftovers);

test("up keeps the NATS port it took in place of a taken one across restarts", async () => {
  const taken = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => taken.once("listening", r));
  const port = (taken.address() as { port: number }).port;
  try {
    const used: string[] = [];
    let previous: Awaited<ReturnType<typeof startUp>> | undefined;
    for (let run = 0; run < 2; run++) {
      const started = await startUp("outpost-up-nats-", [], {
        data: previous?.data,
        natsPort: port,
      });
      await started.run.waitFor({ output: "Outpost is up" });
      const match = new RegExp(
        `port ${port} is taken \\(another NATS\\?\\); the embedded nats-server uses (\\d+)`,
      ).exec(started.run.output());
      used.push(match?.[1] ?? "none");
      // The taken port stays in use: by the test's own listener.
      expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [port] });
      previous = started;
    }
    expect(used[0]).not.toBe("none");
    expect(used[1]).toBe(used[0]);
    // Without --nats-port, and 4222 free or not, the kept port while it is free.
    const third = await startUp("outpost-up-nats-", [], { data: previous!.data, natsPort: null });
    await third.run.waitFor({ output: "Outpost is up" });
    expect(third.run.output()).toContain(`nats-server    nats://127.0.0.1:${used[0]} `);
    await stopUp(third);
    const enrolled = await runOutpost([
      "agent",
      "enroll",
      "--data-dir",
      previous!.data,
      "--tenant",
      "default",
      "--agent",
      "edge-1",
    ]);
    expect(enrolled.stdout).toContain(`url: nats://<this host>:${used[0]}`);
  } finally {
    taken.close();
  }
}, 60_000);
