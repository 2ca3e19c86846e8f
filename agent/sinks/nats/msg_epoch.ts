/**
 * The part of an agent's message ids that names one run of the agent: the start time and 64
 * random bits. JetStream drops a message whose `Nats-Msg-Id` it has seen in the stream's
 * duplicate window, whatever the subject, and every agent picks its own ids; with the start
 * time alone, an agent of another tenant that guessed when this one started could publish its
 * coming ids first and have its batches dropped as duplicates. The random part makes them
 * unguessable; the time keeps them readable in logs.
 */
import { randomBytes } from "node:crypto";

/** `<start ms>-<16 hex digits>`, once per batcher. */
export function runEpoch(now = Date.now()): string {
  return `${now}-${randomBytes(8).toString("hex")}`;
}
