/**
 * Agents' NATS credentials against Debian's nats-server started as `outpost up` starts it (the
 * authorization of cli/nats_auth.ts, reloaded on SIGHUP by `outpost agent enroll|revoke`):
 * an agent enrolled for tenant A delivers into A; with the same key it cannot publish into B
 * or as another agent, and once revoked it cannot connect at all.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connect, ErrorCode, type NatsConnection, NatsError } from "nats";
import type { Agent } from "../../agent/agent.ts";
import { messageIdKey } from "../../aggregator/ingest/message_ids.ts";
import { agentKeyFile, natsAuthFiles, writeAuth, writeServerConf } from "../../cli/nats_auth.ts";
import { nkeyFileAuthenticator } from "../../shared/nats/nkey.ts";
import { ensureStream } from "../../shared/nats/stream.ts";
import { startTestAgent } from "../harness/agent.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const root = resolve(import.meta.dir, "../..");
const outpost = (...args: string[]) =>
  Bun.spawnSync(["bun", join(root, "cli/outpost.ts"), ...args], { cwd: root });

let dir: string;
let nats: NatsServerHandle;
let admin: NatsConnection;
const agents: Agent[] = [];

/** An in-process agent sending host metrics every 300 ms as `tenant`/`id` with `keyFile`. */
async function agentWith(tenant: string, id: string, keyFile: string): Promise<Agent> {
  const home = mkdtempSync(join(dir, `agent-${tenant}-${id}-`));
  const yaml = `agent: { id: ${id}, tenant: ${tenant}, http_listen: "127.0.0.1:0" }
nats: { url: ${nats.url}, nkey_file: ${keyFile} }
batch: { max_wait: 300ms }
spool: { dir: ${join(home, "spool")} }
host: { enabled: true, interval: 1s, collectors: [loadavg] }
`;
  const agent = await startTestAgent(yaml, home);
  agents.push(agent);
  return agent;
}

/** The value of a self-metric of the agent, from its /metrics. */
async function metric(agent: Agent, name: string): Promise<number> {
  const text = await (await fetch(`${agent.httpUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(" ")[1]);
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await Bun.sleep(100);
  }
}

/**
 * Messages the stream holds on `subject` (wildcards allowed). Asked again for up to 5 s if
 * nats-server answers with an error: right after a SIGHUP it may fail a JetStream API request
 * while it reloads (once in CI, the test right after `enroll`).
 */
async function stored(subject: string): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const jsm = await admin.jetstreamManager();
      const info = await jsm.streams.info("OUTPOST_INGEST", { subjects_filter: subject });
      return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await Bun.sleep(100);
    }
  }
}

function enroll(tenant: string, agent: string): string {
  const r = outpost("agent", "enroll", "--data-dir", dir, "--tenant", tenant, "--agent", agent);
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
  return r.stdout.toString();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-creds-"));
  const files = natsAuthFiles(dir);
  writeAuth(files);
  writeServerConf(files, join(dir, "nats"));
  nats = await startNatsServer({
    storeDir: join(dir, "nats"),
    configFile: files.server,
    pidFile: join(dir, "nats-server.pid"),
  });
  // The aggregator's key has every right; it creates the stream, as the aggregator does.
  admin = await connect({
    servers: nats.url,
    authenticator: nkeyFileAuthenticator(files.aggregatorKey),
  });
  await until("JetStream is ready", async () => {
    const options = { name: "OUTPOST_INGEST", subjects: ["outpost.ingest.>"], maxAgeMs: 0 };
    return ensureStream(await admin.jetstreamManager(), {
      ...options,
      maxBytes: 0,
      duplicateWindowMs: 600_000,
    }).then(
      () => true,
      () => false,
    );
  });
});

afterAll(async () => {
  for (const a of agents) await a.stop();
  await admin?.close();
  await nats?.dispose();
});

setDefaultTimeout(20_000);

describe("agent credentials", () => {
  test("outpost agent enroll writes a 0600 seed and grants only the agent's subjects", () => {
    const out = enroll("A", "a1");
    const keyFile = agentKeyFile(natsAuthFiles(dir), "A", "a1");
    expect(out).toContain(`seed file      ${keyFile}`);
    expect(out).toContain("may publish    outpost.ingest.A.*.a1");
    const pid = readFileSync(join(dir, "nats-server.pid"), "utf8").trim();
    expect(out).toContain(`nats-server ${pid} reloads its authorization now`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  test("an agent enrolled for A delivers into A", async () => {
    const agent = await agentWith("A", "a1", agentKeyFile(natsAuthFiles(dir), "A", "a1"));
    await until(
      "A's batches are stored",
      async () => (await stored("outpost.ingest.A.metrics.a1")) > 0,
    );
    expect(await metric(agent, "outpost_agent_nats_permission_denied_total")).toBe(0);
  });

  test.each([
    ["into tenant B", "B", "a1"],
    ["as another agent of A", "A", "a2"],
  ])(
    "A's key cannot publish %s: nats-server refuses, the agent counts it and keeps the batches",
    async (_, tenant, id) => {
      const keyA = agentKeyFile(natsAuthFiles(dir), "A", "a1");
      const agent = await agentWith(tenant, id, keyA);
      await until(
        "the refusal is counted",
        async () => (await metric(agent, "outpost_agent_nats_permission_denied_total")) > 0,
      );
      expect(await stored(`outpost.ingest.${tenant}.*.${id}`)).toBe(0);
      expect(await metric(agent, "outpost_agent_spool_batches")).toBeGreaterThan(0);
      // A's own agent keeps delivering meanwhile.
      const before = await stored("outpost.ingest.A.metrics.a1");
      await until(
        "A's agent delivers more",
        async () => (await stored("outpost.ingest.A.metrics.a1")) > before,
      );
    },
  );

  test("an enrolled agent cannot read other programs' replies (_INBOX.>)", async () => {
    const keyA = agentKeyFile(natsAuthFiles(dir), "A", "a1");
    const nc = await connect({ servers: nats.url, authenticator: nkeyFileAuthenticator(keyA) });
    const sub = nc.subscribe("_INBOX.>");
    // nats.js ends the subscription's iterator with the server's permissions violation.
    const drained = (async () => {
      for await (const _ of sub);
    })();
    const err = await drained.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NatsError);
    expect((err as NatsError).code).toBe(ErrorCode.PermissionsViolation);
    await nc.close();
  });

  test("an enrolled agent cannot read the aggregators' key for rule output's message ids", async () => {
    const made = await messageIdKey(admin);
    const keyA = agentKeyFile(natsAuthFiles(dir), "A", "a1");
    const nc = await connect({ servers: nats.url, authenticator: nkeyFileAuthenticator(keyA) });
    const read = await messageIdKey(nc).then(
      (k) => k,
      (e: unknown) => e,
    );
    expect(read).toBeInstanceOf(Error);
    expect(read).not.toEqual(made);
    await nc.close();
  });

  test("a revoked agent is refused once nats-server has reloaded", async () => {
    const keyA = agentKeyFile(natsAuthFiles(dir), "A", "a1");
    const seed = await Bun.file(keyA).text();
    const r = outpost("agent", "revoke", "--data-dir", dir, "--tenant", "A", "--agent", "a1");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("reloads its authorization now");
    const agentA = agents[0] as Agent;
    await until(
      "A's agent is disconnected",
      async () => (await metric(agentA, "outpost_agent_nats_connected")) === 0,
    );
    await Bun.write(keyA, seed); // revoke deleted it; the key itself must be refused
    const err = await connect({
      servers: nats.url,
      authenticator: nkeyFileAuthenticator(keyA),
    }).then(
      (nc) => nc.close().then(() => null),
      (e: unknown) => e,
    );
    expect((err as NatsError).code).toBe(ErrorCode.AuthorizationViolation);
  });
});
