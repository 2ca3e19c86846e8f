/**
 * Connections held in SYN_SENT on loopback (syn_sent.py), for tests of what a host with
 * traffic always has and a test VM at rest has not: TCP sockets in a transient state, which
 * node_exporter's tcpstat collector and the host source write only while some exist (Node
 * Exporter Full's "TCP Stat Transient" panel).
 */
import { join } from "node:path";

/** A running holder: `stop()` closes its standard input, and it exits. */
export interface SynSentHolder {
  /** The port of the listener that never accepts. */
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the holder with `clients` connections; resolves once they are connecting. */
export async function holdSynSent(clients = 4): Promise<SynSentHolder> {
  const proc = Bun.spawn(["python3", join(import.meta.dir, "syn_sent.py"), String(clients)], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const port = Number(new TextDecoder().decode(value).trim());
  if (!Number.isInteger(port) || port <= 0) {
    proc.kill();
    throw new Error(`syn_sent.py did not print its port (got ${JSON.stringify(port)})`);
  }
  return {
    port,
    async stop() {
      proc.stdin.end();
      await proc.exited;
    },
  };
}
