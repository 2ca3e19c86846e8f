/**
 * The NATS subjects one agent uses, in one place: the agent publishes and subscribes on them,
 * and `outpost agent enroll` grants exactly these to the agent's credentials (docs/auth.md).
 */

/** The default `nats.subject_prefix` of agents and aggregators. */
export const INGEST_SUBJECT_PREFIX = "outpost.ingest";

/**
 * The prefix of an agent's reply subjects (its PubAcks). Agents do not share `_INBOX.>`: the
 * aggregators' pull consumers receive every tenant's batches on their inboxes.
 */
export function agentInboxPrefix(tenant: string, agentId: string): string {
  return `_INBOX.agent.${tenant}.${agentId}`;
}

/** What an enrolled agent may publish and subscribe to, and nothing else. */
export interface AgentPermissions {
  publish: string[];
  subscribe: string[];
}

/** The permissions of agent `agentId` of `tenant`: its own ingest subjects and its inbox. */
export function agentPermissions(
  tenant: string,
  agentId: string,
  subjectPrefix = INGEST_SUBJECT_PREFIX,
): AgentPermissions {
  return {
    publish: [`${subjectPrefix}.${tenant}.*.${agentId}`],
    subscribe: [`${agentInboxPrefix(tenant, agentId)}.>`],
  };
}
