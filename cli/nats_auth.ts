/**
 * nats-server's authorization as `outpost up` runs it: one nkey user per program, listed by
 * public key in DATA_DIR/nats-auth/users.conf (the file nats-server is started with). The
 * aggregator's user may do everything; each enrolled agent may publish only on its own
 * ingest subjects and read only its own replies (shared/nats/agent_subjects.ts). The list of
 * enrolled agents is DATA_DIR/nats-auth/agents.json; the config is rendered from it on every
 * change, and a running nats-server reloads it on SIGHUP (docs/auth.md, Agents and NATS).
 */

import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { reservedTenant } from "../aggregator/auth/tenants.ts";
import { RESERVED_AGENT_IDS } from "../aggregator/ingest/own_streams.ts";
import { agentPermissions } from "../shared/nats/agent_subjects.ts";
import { newUserKey, publicKeyOf } from "../shared/nats/nkey.ts";

/** Identifiers allowed in subjects: the agent config's rule for `agent.id` and `agent.tenant`. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** One enrolled agent. */
export interface EnrolledAgent {
  tenant: string;
  agent: string;
  public_key: string;
  enrolled_at: string;
}

/** The files of nats-server's authorization under a data dir. */
export interface NatsAuthFiles {
  /** nats-server's config file: JetStream's store and the users (up starts it with `-c`). */
  server: string;
  dir: string;
  /** The users and their permissions, included by `server`. */
  conf: string;
  agents: string;
  /** The aggregator's seed (full rights). */
  aggregatorKey: string;
}

/** Where the authorization of `outpost up --data-dir dataDir` lives. */
export function natsAuthFiles(dataDir: string): NatsAuthFiles {
  const dir = join(dataDir, "nats-auth");
  return {
    server: join(dataDir, "nats-server.conf"),
    dir,
    conf: join(dir, "users.conf"),
    agents: join(dir, "agents.json"),
    aggregatorKey: join(dir, "aggregator.nk"),
  };
}

/** The default place of an agent's seed file. */
export function agentKeyFile(files: NatsAuthFiles, tenant: string, agent: string): string {
  return join(files.dir, "agents", `${tenant}.${agent}.nk`);
}

/** Reads the enrolled agents; none when the file does not exist yet. */
export function readAgents(files: NatsAuthFiles): EnrolledAgent[] {
  if (!existsSync(files.agents)) return [];
  try {
    return (JSON.parse(readFileSync(files.agents, "utf8")) as { agents: EnrolledAgent[] }).agents;
  } catch (err) {
    throw new SyntaxError(
      `Cannot read the enrolled agents in ${files.agents}: ${(err as Error).message}`,
    );
  }
}

/**
 * Enrolls agent `agent` of `tenant` with a new key (a second enrollment replaces the key, so
 * the old one stops working on reload), writes its seed to `keyFile` with mode 0600 and
 * renders the server config. Returns the enrolled entry, whether it replaced one, and the seed's file.
 */
export function enrollAgent(
  files: NatsAuthFiles,
  tenant: string,
  agent: string,
  keyFile = agentKeyFile(files, tenant, agent),
): { entry: EnrolledAgent; replaced: boolean; keyFile: string } {
  checkToken("tenant", tenant);
  if (reservedTenant(tenant))
    throw new RangeError(
      `Cannot enroll tenant "${tenant}": names beginning with __ are Outpost's own`,
    );
  checkToken("agent id", agent);
  if (RESERVED_AGENT_IDS.includes(agent))
    throw new RangeError(
      `Cannot enroll agent id "${agent}": the aggregators publish their own batches under it (${RESERVED_AGENT_IDS.join(", ")} are kept)`,
    );
  const key = newUserKey();
  writeSecret(keyFile, `${key.seed}\n`);
  const all = readAgents(files);
  const others = all.filter((a) => !(a.tenant === tenant && a.agent === agent));
  const replaced = others.length < all.length;
  const entry = { tenant, agent, public_key: key.publicKey, enrolled_at: new Date().toISOString() };
  writeAuth(files, [...others, entry]);
  return { entry, replaced, keyFile };
}

/**
 * The seed file of an agent, enrolling it first when it is not enrolled or its seed no longer
 * matches (`outpost up` keeps its own agent's key across restarts this way).
 */
export function ensureAgentEnrolled(files: NatsAuthFiles, tenant: string, agent: string): string {
  const keyFile = agentKeyFile(files, tenant, agent);
  const entry = readAgents(files).find((a) => a.tenant === tenant && a.agent === agent);
  const seed = existsSync(keyFile) ? readFileSync(keyFile, "utf8") : null;
  if (entry && seed !== null && publicKeyOf(seed, keyFile) === entry.public_key) return keyFile;
  return enrollAgent(files, tenant, agent, keyFile).keyFile;
}

/** Removes the agent from the server config and deletes its seed under the data dir. */
export function revokeAgent(files: NatsAuthFiles, tenant: string, agent: string): boolean {
  const agents = readAgents(files);
  const kept = agents.filter((a) => !(a.tenant === tenant && a.agent === agent));
  if (kept.length === agents.length) return false;
  writeAuth(files, kept);
  rmSync(agentKeyFile(files, tenant, agent), { force: true });
  return true;
}

/** Creates the aggregator's key when missing, and renders the server config from the list. */
export function writeAuth(files: NatsAuthFiles, agents = readAgents(files)): void {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  if (!existsSync(files.aggregatorKey)) writeSecret(files.aggregatorKey, `${newUserKey().seed}\n`);
  const aggregator = publicKeyOf(readFileSync(files.aggregatorKey, "utf8"), files.aggregatorKey);
  writeAtomic(files.agents, `${JSON.stringify({ agents }, null, 2)}\n`, 0o600);
  writeAtomic(files.conf, renderAuthConf(aggregator, agents), 0o600);
}

/**
 * Writes nats-server's config file: JetStream's store and the users. Both live in the file,
 * not in flags: on SIGHUP nats-server 2.9 re-reads only the file, and turns JetStream off (or
 * refuses to reload) when the store was given as `-js -sd` (measured; docs/auth.md).
 */
export function writeServerConf(files: NatsAuthFiles, storeDir: string): void {
  const text = `# Written by outpost up at each start.
jetstream { store_dir: ${JSON.stringify(storeDir)} }
include "nats-auth/users.conf"
`;
  writeAtomic(files.server, text, 0o600);
}

/** nats-server's `authorization` block: the aggregator with every right, agents with theirs. */
export function renderAuthConf(aggregatorKey: string, agents: readonly EnrolledAgent[]): string {
  const q = JSON.stringify;
  const users = [
    `    # the aggregators and outpost user/token: every subject\n    { nkey: ${q(aggregatorKey)} }`,
  ];
  for (const a of agents) {
    // Enrolled before the id was kept for the aggregators' own batches (audit, history, rules):
    // granting it would let the agent write them. It must be enrolled again under another id.
    if (RESERVED_AGENT_IDS.includes(a.agent)) {
      users.push(
        `    # agent ${q(a.agent)} of tenant ${q(a.tenant)} is not granted: the id is kept for the aggregators' own batches; enroll it again under another id`,
      );
      continue;
    }
    const p = agentPermissions(a.tenant, a.agent);
    const perms = `permissions: { publish: { allow: ${q(p.publish)} }, subscribe: { allow: ${q(p.subscribe)} } }`;
    users.push(
      `    # agent ${q(a.agent)} of tenant ${q(a.tenant)}, enrolled ${a.enrolled_at}\n    { nkey: ${q(a.public_key)}, ${perms} }`,
    );
  }
  return `# Written by outpost (up, agent enroll, agent revoke); edits are overwritten.\nauthorization {\n  users = [\n${users.join("\n")}\n  ]\n}\n`;
}

function checkToken(what: string, value: string): void {
  if (!TOKEN.test(value))
    throw new RangeError(
      `Cannot enroll ${what} "${value}": it must contain only letters, digits, _ and - (it becomes part of NATS subjects)`,
    );
}

function writeSecret(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  writeAtomic(path, text, 0o600);
}

// Temp file and rename: nats-server reloading at the same moment never reads half a file.
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
