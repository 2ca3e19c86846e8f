/**
 * `outpost agent enroll|revoke|list`: the NATS credentials of agents that publish to the
 * nats-server of `outpost up --data-dir DIR`. Enroll writes the agent's nkey seed (0600) and
 * grants it its own ingest subjects; both commands make a running nats-server reload its
 * config, so the change holds at once (docs/auth.md, Agents and NATS).
 */

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { agentPermissions } from "../shared/nats/agent_subjects.ts";
import { enrollAgent, natsAuthFiles, readAgents, revokeAgent } from "./nats_auth.ts";
import { readNatsPort } from "./natsd.ts";
import { runningNatsServer } from "./natsd_stale.ts";

const USAGE =
  "usage: outpost agent enroll --tenant T --agent ID [--data-dir DIR] [--out FILE] | revoke --tenant T --agent ID [--data-dir DIR] | list [--data-dir DIR]";

/** Runs `outpost agent <enroll|revoke|list> ...`; returns the exit status. */
export function runAgentCredentials(sub: string, argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string" },
      agent: { type: "string" },
      "data-dir": { type: "string", default: ".data" },
      out: { type: "string" },
    },
  });
  const dataDir = resolve(values["data-dir"]);
  const { tenant, agent } = values;
  if (sub !== "list" && (tenant === undefined || agent === undefined)) {
    console.error(`Cannot ${sub} an agent: --tenant and --agent are required\n${USAGE}`);
    return 2;
  }
  try {
    if (sub === "list") return list(dataDir);
    const out = values.out === undefined ? undefined : resolve(values.out);
    const done =
      sub === "revoke" ? revoke(dataDir, tenant!, agent!) : enroll(dataDir, tenant!, agent!, out);
    if (done) reload(dataDir);
    return done ? 0 : 1;
  } catch (err) {
    // A bad id, an unreadable agents.json or seed: one line, no stack trace.
    console.error((err as Error).message);
    return err instanceof RangeError ? 2 : 1;
  }
}

function list(dataDir: string): number {
  // A mistyped --data-dir would otherwise look like a data dir with no agents.
  if (!existsSync(dataDir)) {
    console.error(`Cannot list agents: no data dir ${dataDir} (--data-dir, default .data)`);
    return 1;
  }
  const agents = readAgents(natsAuthFiles(dataDir));
  if (agents.length === 0) console.error(`No agent is enrolled in ${dataDir}.`);
  for (const a of agents)
    console.log(`${a.tenant}\t${a.agent}\t${a.public_key}\tenrolled ${a.enrolled_at}`);
  return 0;
}

function enroll(dataDir: string, tenant: string, agent: string, out?: string): boolean {
  const port = readNatsPort(dataDir) ?? 4222;
  printEnrolled(tenant, agent, port, enrollAgent(natsAuthFiles(dataDir), tenant, agent, out));
  return true;
}

function revoke(dataDir: string, tenant: string, agent: string): boolean {
  const files = natsAuthFiles(dataDir);
  if (!revokeAgent(files, tenant, agent)) {
    console.error(
      `Cannot revoke agent "${agent}" of tenant "${tenant}": it is not enrolled in ${files.agents}`,
    );
    return false;
  }
  console.log(`Revoked agent "${agent}" of tenant "${tenant}".`);
  return true;
}

function printEnrolled(
  tenant: string,
  agent: string,
  port: number,
  enrolled: ReturnType<typeof enrollAgent>,
): void {
  const { entry, replaced, keyFile } = enrolled;
  const snippet = stringify({
    agent: { id: agent, tenant },
    nats: { url: `nats://<this host>:${port}`, nkey_file: keyFile },
  });
  console.log(
    [
      `Enrolled agent "${agent}" of tenant "${tenant}"${replaced ? " (a new key: the old one no longer works)" : ""}.`,
      `  seed file      ${keyFile} (mode 0600: copy it to the agent's host and keep it secret)`,
      `  public key     ${entry.public_key}`,
      `  may publish    ${agentPermissions(tenant, agent).publish.join(", ")}`,
      "In the agent's config:",
      snippet.trimEnd().replace(/^/gm, "  "),
      "",
    ].join("\n"),
  );
}

/** Makes the running nats-server of the data dir reload its config (SIGHUP), if there is one. */
function reload(dataDir: string): void {
  const pid = runningNatsServer(join(dataDir, "nats-server.pid"), join(dataDir, "nats"));
  if (pid === null) {
    console.log("No nats-server of this data dir is running: `outpost up` will start with it.");
    return;
  }
  process.kill(pid, "SIGHUP");
  console.log(`nats-server ${pid} reloads its authorization now.`);
}
