import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  agentKeyFile,
  enrollAgent,
  ensureAgentEnrolled,
  natsAuthFiles,
  readAgents,
  renderAuthConf,
  revokeAgent,
  writeAuth,
} from "./nats_auth.ts";

const fresh = () => natsAuthFiles(mkdtempSync(join(tmpdir(), "outpost-nats-auth-")));

test("renderAuthConf() gives the aggregator every subject and an agent only its own", () => {
  const agent = { tenant: "A", agent: "a1", public_key: "UAGENT", enrolled_at: "t" };
  const conf = renderAuthConf("UAGG", [agent]);
  expect(conf).toContain('{ nkey: "UAGG" }');
  expect(conf).toContain(
    '{ nkey: "UAGENT", permissions: { publish: { allow: ["outpost.ingest.A.*.a1"] }, subscribe: { allow: ["_INBOX.agent.A.a1.>"] } } }',
  );
});

test("renderAuthConf() grants nothing to an agent enrolled under an id kept for the aggregators", () => {
  const kept = { tenant: "A", agent: "audit", public_key: "UOLD", enrolled_at: "t" };
  const conf = renderAuthConf("UAGG", [kept]);
  expect(conf).not.toContain("UOLD");
  expect(conf).toContain('# agent "audit" of tenant "A" is not granted');
});

test("enrollAgent() writes a 0600 seed whose public key the server config lists", () => {
  const files = fresh();
  writeAuth(files);
  const { entry, keyFile, replaced } = enrollAgent(files, "A", "a1");
  expect(replaced).toBe(false);
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(statSync(files.aggregatorKey).mode & 0o777).toBe(0o600);
  expect(readFileSync(keyFile, "utf8")).toStartWith("SU");
  expect(readFileSync(files.conf, "utf8")).toContain(entry.public_key);
});

test("enrolling an agent again replaces its key", () => {
  const files = fresh();
  const first = enrollAgent(files, "A", "a1").entry.public_key;
  const again = enrollAgent(files, "A", "a1");
  expect(again.replaced).toBe(true);
  expect(readAgents(files).map((a) => a.public_key)).toEqual([again.entry.public_key]);
  expect(readFileSync(files.conf, "utf8")).not.toContain(first);
});

test("ensureAgentEnrolled() keeps an enrolled agent's key across calls", () => {
  const files = fresh();
  const keyFile = ensureAgentEnrolled(files, "default", "host1");
  const seed = readFileSync(keyFile, "utf8");
  expect(ensureAgentEnrolled(files, "default", "host1")).toBe(keyFile);
  expect(readFileSync(keyFile, "utf8")).toBe(seed);
});

test("revokeAgent() removes the agent and its seed, and says whether it was enrolled", () => {
  const files = fresh();
  const { entry } = enrollAgent(files, "A", "a1");
  expect(revokeAgent(files, "A", "a1")).toBe(true);
  expect(readFileSync(files.conf, "utf8")).not.toContain(entry.public_key);
  expect(existsSync(agentKeyFile(files, "A", "a1"))).toBe(false);
  expect(revokeAgent(files, "A", "a1")).toBe(false);
});

test.each([
  ["a tenant with a dot", "A.B", "a1"],
  ["an agent id with a wildcard", "A", "*"],
  ["an empty agent id", "A", ""],
])("enrollAgent() refuses %s", (_, tenant, agent) => {
  expect(() => enrollAgent(fresh(), tenant, agent)).toThrow(RangeError);
});

test.each(["audit", "alert_history", "rules"])(
  "enrollAgent() refuses the id %s, under which the aggregators publish their own batches",
  (id) => {
    const files = fresh();
    expect(() => enrollAgent(files, "A", id)).toThrow(`Cannot enroll agent id "${id}"`);
    expect(readAgents(files)).toEqual([]);
  },
);
