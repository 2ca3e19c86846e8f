/**
 * `outpost up` runs nats-server with authorization: a client without a key is refused, up's
 * own agent delivers with the key up enrolled for it, and `outpost agent enroll` against the
 * running up reloads nats-server without turning JetStream off (it re-reads only its file).
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connect, ErrorCode, type NatsError } from "nats";
import { agentKeyFile, natsAuthFiles } from "../../cli/nats_auth.ts";
import { nkeyFileAuthenticator } from "../../shared/nats/nkey.ts";
import { processesMentioning, startOutpost } from "../harness/interrupt.ts";
import { freePort } from "../harness/ports.ts";

setDefaultTimeout(90_000);

const root = resolve(import.meta.dir, "../..");
const data = join(mkdtempSync(join(tmpdir(), "outpost-up-creds-")), "data");

afterAll(() => {
  for (const pid of processesMentioning(data)) process.kill(pid, "SIGKILL");
});

/** The agent's count of batches JetStream acknowledged. */
async function published(agentPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${agentPort}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("outpost_agent_nats_published_batches_total "));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting until ${what}`);
    await Bun.sleep(200);
  }
}

test("outpost up's nats-server refuses strangers, serves its agent, and reloads enrollments", async () => {
  const [nats, http, agent] = [await freePort(), await freePort(), await freePort()];
  const flags = ["--data-dir", data, "--nats-port", `${nats}`, "--http-port", `${http}`];
  const run = startOutpost(["up", ...flags, "--agent-port", `${agent}`]);
  try {
    await run.waitFor({ output: "Press Ctrl-C to stop." });
    const url = `nats://127.0.0.1:${nats}`;
    const stranger = await connect({ servers: url, maxReconnectAttempts: 0 }).then(
      (nc) => nc.close().then(() => null),
      (e: unknown) => e,
    );
    expect((stranger as NatsError).code).toBe(ErrorCode.AuthorizationViolation);
    await until("up's agent delivers", async () => (await published(agent)) > 0);

    const enroll = Bun.spawnSync(
      [
        "bun",
        join(root, "cli/outpost.ts"),
        "agent",
        "enroll",
        "--data-dir",
        data,
        "--tenant",
        "B",
        "--agent",
        "b1",
      ],
      { cwd: root },
    );
    expect(enroll.stdout.toString()).toContain("reloads its authorization now");
    const keyB = agentKeyFile(natsAuthFiles(data), "B", "b1");
    // Each attempt bounded (a connection the loaded machine leaves waiting must not use up the
    // wait), and a full run's load allowed for: one run saw the key still refused after 20 s.
    // If it never is, nats-server's log says whether the reload happened.
    const accepted = () =>
      connect({
        servers: url,
        authenticator: nkeyFileAuthenticator(keyB),
        maxReconnectAttempts: 0,
        timeout: 2_000,
      }).then(
        (nc) => nc.close().then(() => true),
        () => false,
      );
    await until("the new agent's key is accepted", accepted, 45_000).catch((e: Error) => {
      const log = readFileSync(join(data, "nats-server.log"), "utf8").split("\n").slice(-30);
      throw new Error(`${e.message}; nats-server's log ends:\n${log.join("\n")}`);
    });
    // JetStream still acknowledges after the reload.
    const before = await published(agent);
    await until(
      "up's agent delivers after the reload",
      async () => (await published(agent)) > before,
    );
  } finally {
    run.signal("SIGINT", "group");
    expect(await run.exited(20_000)).toBe(0);
  }
});
